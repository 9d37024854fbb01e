"""Staff: the application list, the application page (review, 決裁), files and the PDF copy."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.application_staff import RejectionDecisionForm, ReviewDecisionForm
from forms.choices import choices
from models.application import APPLICATION_STATUSES
from models.base import utcnow
from reports import application as application_report
from webapp.access import roles_required
from webapp.applications import bp
from webapp.extensions import db
from webapp.portal.render import apply_errors
from workflows import params
from workflows.applications import access, queries, review, storage, validation
from workflows.applications.steps import CONFIRM_REJECTION, REVIEW, open_step
from workflows.failures import InvalidInput, OperationError
from workflows.permissions import matches_item, supervises

STAFF = ("ward_clerk", "supervisor", "admin")


def _load(number: str):
    found = queries.application_by_number(number) if number.isdigit() else None
    if found is None or not access.staff_can_view(current_user, found):
        abort(404)
    return found


def _review_form(application, formdata=None) -> ReviewDecisionForm:
    form = ReviewDecisionForm(formdata=formdata) if formdata is not None else \
        ReviewDecisionForm()
    spec = validation.form_of(application.procedure)
    form.fields_to_fix.choices = choices(
        (f.id, str(f.label) + (f"（{f.group}）" if f.group else ""))
        for f in spec.fields if f.type != "email_confirm")
    return form


@bp.get("/applications")
@roles_required(*STAFF)
def index():
    status = request.args.get("status", "")
    status = status if status in APPLICATION_STATUSES else ""
    number = request.args.get("number", "")[:8]
    return render_template("applications/list.html", status=status, number=number,
                           statuses=APPLICATION_STATUSES,
                           applications=queries.staff_applications(current_user, status=status,
                                                                   number=number))


def _page(application, review_form=None, rejection_form=None, errors=None):
    review_item = open_step(application, REVIEW)
    confirm_item = open_step(application, CONFIRM_REJECTION)
    can_review = review_item is not None and matches_item(current_user, review_item)
    can_confirm = confirm_item is not None and supervises(current_user,
                                                          application.case.department_id)
    review_form = review_form or _review_form(application)
    rejection_form = rejection_form or RejectionDecisionForm()
    for form in (review_form, rejection_form):
        form.version.data = form.version.data or str(application.case.version)
    return render_template(
        "applications/application.html", application=application, case=application.case,
        rows=queries.field_rows(application), files=queries.attachments(application, staff=True),
        findings=queries.findings_text(application), rounds=queries.rounds(application),
        notices=queries.notices(application), review_item=review_item,
        confirm_item=confirm_item, can_review=can_review, can_confirm=can_confirm,
        review_form=review_form, rejection_form=rejection_form, errors=errors or {},
        label=lambda f: queries.attachment_label(application, f))


@bp.get("/applications/<number>")
@roles_required(*STAFF)
def application(number: str):
    return _page(_load(number))


@bp.post("/applications/<number>/review")
@roles_required(*STAFF)
def decide(number: str):
    found = _load(number)
    form = _review_form(found, request.form)
    if not form.validate():
        return _page(found, review_form=form), 422
    try:
        outcome = review.decide(found, current_user, decision=form.decision.data,
                                message=form.message.data or "",
                                fields_to_fix=form.fields_to_fix.data or [],
                                expected_version=params.db_id(form.version.data),
                                now=utcnow())
        db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        return _page(found, review_form=form, errors=apply_errors(form, exc.errors)), 422
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("applications.application", number=number))
    _flash_outcome(outcome, _("The decision was recorded and the applicant was notified."))
    return redirect(url_for("applications.application", number=number))


@bp.post("/applications/<number>/rejection")
@roles_required("supervisor")
def rejection(number: str):
    found = _load(number)
    form = RejectionDecisionForm()
    if not form.validate_on_submit():
        return _page(found, rejection_form=form), 422
    try:
        outcome = review.confirm_rejection(
            found, current_user, approval=form.approval.data, note=form.note.data or "",
            expected_version=params.db_id(form.version.data), now=utcnow())
        db.session.commit()
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("applications.application", number=number))
    _flash_outcome(outcome, _("The decision on the rejection was recorded."))
    return redirect(url_for("applications.application", number=number))


def _flash_outcome(outcome, success: str) -> None:
    if outcome.error:
        flash(_("The step failed and the case was put in error; a supervisor has been "
                "notified. Nothing you entered was lost."), "error")
    else:
        flash(success, "success")


@bp.get("/applications/<number>/files/<int:attachment_id>")
@roles_required(*STAFF)
def download(number: str, attachment_id: int):
    row = access.attachment_of(_load(number), attachment_id, staff=True)
    if row is None:
        abort(404)
    return send_file(storage.path_for(row.sha256), mimetype=row.content_type,
                     as_attachment=True, download_name=row.filename)


@bp.get("/applications/<number>/summary.pdf")
@roles_required(*STAFF)
def summary_pdf(number: str):
    found = _load(number)
    pdf = application_report.render_summary(application_report.summary_view(found, staff=True))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="application-{found.number}.pdf"'})
