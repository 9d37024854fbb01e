"""One receipt: details and history, PDFs, cancelling at the branch, missing documents."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forms.forwarding import CancelForm, ResolveMissingForm
from models.base import utcnow
from models.document_type import DocumentType
from reports import receipt as receipt_report
from webapp.access import roles_required
from webapp.extensions import db
from webapp.forwarding import bp
from webapp.forwarding.common import case_url, flash_failure, load_receipt, pdf_response
from workflows import params
from workflows.failures import OperationError
from workflows.forwarding import acknowledge, cancel, eligibility, queries, steps
from workflows.permissions import supervises

STAFF = ("branch_clerk", "ward_clerk", "supervisor", "admin")


@bp.get("/receipts/<int:receipt_id>")
@roles_required(*STAFF)
def receipt(receipt_id: int):
    receipt = load_receipt(receipt_id)
    can_cancel = current_user.has_role("branch_clerk") and \
        current_user.office_id == receipt.office_id and \
        any(line.status == "held" for line in receipt.lines)
    needs_decision = steps.open_step(receipt.case, ("resolve_missing",)) is not None and \
        supervises(current_user, receipt.department_id)
    return render_template("forwarding/receipt.html", receipt=receipt,
                           history=queries.receipt_history(receipt), can_cancel=can_cancel,
                           needs_decision=needs_decision, cancel_form=CancelForm())


@bp.get("/receipts/<int:receipt_id>/receipt.pdf")
@roles_required(*STAFF)
def receipt_pdf(receipt_id: int):
    receipt = load_receipt(receipt_id)
    view = receipt_report.receipt_view(receipt, case_url(receipt))
    return pdf_response(lambda: receipt_report.render_receipts([view]),
                        f"receipt-{receipt.id}.pdf")


@bp.get("/visits/<visit_key>/receipt.pdf")
@roles_required("branch_clerk")
def visit_pdf(visit_key: str):
    receipts = [r for r in queries.visit_receipts(visit_key)
                if r.office_id == current_user.office_id]
    if not receipts:
        abort(404)
    views = [receipt_report.receipt_view(r, case_url(r)) for r in receipts]
    return pdf_response(lambda: receipt_report.render_receipts(views),
                        f"receipts-{receipts[0].id}.pdf")


@bp.post("/receipts/<int:receipt_id>/cancel")
@roles_required("branch_clerk")
def cancel_receipt(receipt_id: int):
    receipt = load_receipt(receipt_id)
    form = CancelForm()
    if not form.validate_on_submit():
        flash("　".join(m for msgs in form.errors.values() for m in msgs), "error")
        return redirect(url_for(".receipt", receipt_id=receipt.id))
    line_ids = [i for v in request.form.getlist("line") if (i := params.db_id(v))] or None
    try:
        cancel.cancel_lines(current_user, receipt, form.reason.data, line_ids)
        db.session.commit()
        flash(_("The documents were cancelled. Their numbers stay in the ledger."), "success")
    except OperationError as exc:
        flash_failure(exc)
    return redirect(url_for(".receipt", receipt_id=receipt.id))


@bp.get("/slip.pdf")
@roles_required("branch_clerk")
def slip():
    doc_type = db.session.scalar(db.select(DocumentType).where(
        DocumentType.code == request.args.get("type", "")))
    reason = request.args.get("reason", "")
    if doc_type is None or reason not in eligibility.REASONS:
        abort(404)
    view = receipt_report.SlipView(
        office=current_user.office.name, ward_office=doc_type.department.office.name,
        department=doc_type.department.name, type_name=doc_type.name,
        reason=eligibility.reason_message(reason), resident_name="", printed_at=utcnow())
    return pdf_response(lambda: receipt_report.render_slip(view), f"slip-{doc_type.code}.pdf")


@bp.get("/missing")
@roles_required("supervisor")
def missing():
    waiting = queries.receipts_waiting_for(("resolve_missing",),
                                           current_user.department_ids)
    return render_template("forwarding/missing.html", receipts=waiting)


@bp.route("/receipts/<int:receipt_id>/resolve", methods=["GET", "POST"])
@login_required
def resolve(receipt_id: int):
    receipt = load_receipt(receipt_id)
    form = ResolveMissingForm()
    if form.validate_on_submit():
        try:
            acknowledge.resolve_missing(current_user, receipt, form.resolution.data,
                                        form.note.data)
            db.session.commit()
            flash(_("The decision was recorded."), "success")
            return redirect(url_for(".receipt", receipt_id=receipt.id))
        except OperationError as exc:
            flash_failure(exc, form)
    return render_template("forwarding/resolve.html", receipt=receipt, form=form)
