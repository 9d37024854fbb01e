"""The department's side (receive a bag, return receipts) and the branch's filing."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from forms.forwarding import ReceiveForm
from japan.calendar import JST
from models.bag import Bag
from webapp.access import roles_required
from webapp.extensions import db
from webapp.forwarding import bp
from webapp.forwarding.common import flash_failure, receipts_by_ids, selected_ids
from workflows import params
from workflows.failures import InvalidInput, OperationError
from workflows.forwarding import access, acknowledge, bags, queries


@bp.get("/receive")
@roles_required("ward_clerk")
def receive():
    number = (request.args.get("bag") or "").strip()
    bag = queries.bag_by_number(number) if number else None
    if bag is not None and not access.works_in_department(current_user, bag.department):
        bag = None  # another department's bag: told apart from no bag, it could be counted
    if number and bag is None:
        flash(_("There is no bag %(number)s. Check the number on the bag list.",
                number=number), "error")
    elif bag is not None:
        return redirect(url_for(".receive_bag", bag_id=bag.id))
    waiting = queries.visible_bags(current_user, department_ids=current_user.department_ids,
                                   limit=50)
    return render_template("forwarding/receive.html", number=number,
                           waiting=[b for b in waiting if b.status == "in_transit"])


def _received_at(text: str) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
        if not params.in_date_range(value.date()):
            raise ValueError(text)
    except ValueError as exc:
        raise InvalidInput(_("The input has errors."),
                           {"received_at": [_("Enter a date and time.")]}) from exc
    return value if value.tzinfo else value.replace(tzinfo=JST)


@bp.route("/receive/<int:bag_id>", methods=["GET", "POST"])
@roles_required("ward_clerk")
def receive_bag(bag_id: int):
    bag = db.session.get(Bag, bag_id)
    if bag is None or not access.works_in_department(current_user, bag.department):
        abort(404)  # another department's bag answers as no bag: bags are numbered per day
    form = ReceiveForm()
    if form.validate_on_submit():
        try:
            bags.receive_bag(current_user, bag, request.form.getlist("present"),
                             (form.extra.data or "").splitlines(),
                             _received_at(form.received_at.data))
            db.session.commit()
        except OperationError as exc:
            flash_failure(exc, form)
        else:
            if bag.status == "discrepancy":
                flash(_("Bag %(number)s was received with missing or extra items; a "
                        "supervisor has been asked to follow them up.", number=bag.number),
                      "error")
            else:
                flash(_("Bag %(number)s was received complete.", number=bag.number), "success")
            return redirect(url_for(".bag", bag_id=bag.id))
    return render_template("forwarding/receive_bag.html", bag=bag, form=form)


@bp.route("/returns", methods=["GET", "POST"])
@roles_required("ward_clerk")
def returns():
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            done = acknowledge.return_receipts(current_user,
                                               receipts_by_ids(selected_ids(request.form)))
            db.session.commit()
            flash(_("%(n)d receipts were marked as returned to their branch.", n=len(done)),
                  "success")
            return redirect(url_for(".returns"))
        except OperationError as exc:
            flash_failure(exc)
    waiting = [r for r in queries.receipts_with_status(
        "received", department_ids=current_user.department_ids)
        if not any(line.status == "in_transit" for line in r.lines)]
    return render_template("forwarding/returns.html", receipts=waiting, form=form)


@bp.route("/filing", methods=["GET", "POST"])
@roles_required("branch_clerk")
def filing():
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            done = acknowledge.file_receipts(current_user,
                                             receipts_by_ids(selected_ids(request.form)))
            db.session.commit()
            flash(_("%(n)d receipts were checked and filed.", n=len(done)), "success")
            return redirect(url_for(".filing"))
        except OperationError as exc:
            flash_failure(exc)
    waiting = queries.receipts_with_status("returning", office_id=current_user.office_id)
    return render_template("forwarding/filing.html", receipts=waiting, form=form)
