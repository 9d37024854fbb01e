"""Internal-mail bags at the branch: choose held receipts, send a bag, print its list."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from forms.forwarding import NoteForm
from reports import bag as bag_report
from webapp.access import roles_required
from webapp.extensions import db
from webapp.forwarding import bp
from webapp.forwarding.common import (
    flash_failure,
    load_bag,
    pdf_response,
    receipts_by_ids,
    selected_ids,
)
from workflows.failures import OperationError
from workflows.forwarding import bags, queries
from workflows.permissions import supervises

VIEWERS = ("branch_clerk", "ward_clerk", "supervisor", "admin")


@bp.route("/dispatch", methods=["GET", "POST"])
@roles_required("branch_clerk")
def dispatch():
    office = current_user.office
    form = FlaskForm()
    if form.validate_on_submit():
        chosen = receipts_by_ids(selected_ids(request.form))
        try:
            bag = bags.dispatch_bag(current_user, office, chosen)
            db.session.commit()
        except OperationError as exc:
            flash_failure(exc)
        else:
            flash(_("Bag %(number)s was sent with %(n)d documents. Put the printed list in "
                    "the bag.", number=bag.number, n=len(bag.items)), "success")
            return redirect(url_for(".bag", bag_id=bag.id, printing=1))
    held = queries.receipts_with_status("held", office_id=office.id)
    groups: dict = {}
    for receipt in held:
        groups.setdefault(receipt.department, []).append(receipt)
    return render_template("forwarding/dispatch.html", groups=groups, form=form,
                           office=office)


def _scope() -> dict:
    if current_user.has_role("admin"):
        return {}
    if current_user.has_role("branch_clerk"):
        return {"office_id": current_user.office_id}
    return {"department_ids": current_user.department_ids}


@bp.get("/bags")
@roles_required(*VIEWERS)
def bag_list():
    check = request.args.get("check") == "1"
    return render_template("forwarding/bags.html", check=check,
                           bags=queries.visible_bags(current_user, needs_check=check,
                                                     **_scope()))


@bp.get("/bags/<int:bag_id>")
@roles_required(*VIEWERS)
def bag(bag_id: int):
    bag = load_bag(bag_id)
    can_receive = bag.status == "in_transit" and current_user.has_role("ward_clerk") and \
        bag.department_id in current_user.department_ids
    can_resolve = bag.needs_check and supervises(current_user, bag.department_id)
    return render_template("forwarding/bag.html", bag=bag, can_receive=can_receive,
                           can_resolve=can_resolve, note_form=NoteForm(),
                           printing=request.args.get("printing") == "1")


@bp.get("/bags/<int:bag_id>/list.pdf")
@roles_required(*VIEWERS)
def bag_pdf(bag_id: int):
    bag = load_bag(bag_id)
    view = bag_report.bag_view(bag)
    return pdf_response(lambda: bag_report.render_bag(view), f"bag-{bag.number}.pdf")


@bp.post("/bags/<int:bag_id>/resolve")
@roles_required("supervisor")
def resolve_bag(bag_id: int):
    bag = load_bag(bag_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash("　".join(m for msgs in form.errors.values() for m in msgs), "error")
        return redirect(url_for(".bag", bag_id=bag.id))
    try:
        bags.resolve_bag(current_user, bag, form.note.data)
        db.session.commit()
        flash(_("The discrepancy was marked as checked."), "success")
    except OperationError as exc:
        flash_failure(exc)
    return redirect(url_for(".bag", bag_id=bag.id))
