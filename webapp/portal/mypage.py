"""Portal: マイページ (history, drafts, notices), an application, its correction, its files."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from forms.application_fields import wtform_class
from forms.registry import to_formdata
from models.base import utcnow
from reports import application as application_report
from webapp.actions import commit_or_flash
from webapp.extensions import db
from webapp.portal import applicant_required, bp, uploads_from_request
from webapp.portal.render import apply_errors, blocks
from workflows.applications import access, correction, queries, storage, validation
from workflows.failures import InvalidInput, OperationError


def _load(number: str):
    """The applicant's own application, or 404 (audited) — never a hint that it exists."""
    found = access.applicant_application(g.applicant, number, ip=request.remote_addr)
    if found is None:
        db.session.commit()
        abort(404)
    return found


@bp.get("/mypage")
@applicant_required
def mypage():
    number = request.args.get("number", "").strip()[:8]
    return render_template("portal/mypage.html",
                           history=queries.applicant_history(g.applicant, number),
                           drafts=queries.applicant_drafts(g.applicant), number=number,
                           notices=queries.recent_notices(g.applicant))


@bp.get("/mypage/<number>")
@applicant_required
def application(number: str):
    found = _load(number)
    return render_template("portal/application.html", application=found,
                           rows=queries.field_rows(found),
                           files=queries.attachments(found, staff=False),
                           rounds=queries.rounds(found), notices=queries.notices(found),
                           label=lambda f: queries.attachment_label(found, f))


@bp.get("/mypage/<number>/done")
@applicant_required
def done(number: str):
    return render_template("portal/done.html", application=_load(number))


@bp.route("/mypage/<number>/correct", methods=["GET", "POST"])
@applicant_required
def correct(number: str):
    found = _load(number)
    if found.status != "returned":
        flash(_("This application is not waiting for your correction."), "info")
        return redirect(url_for("portal.application", number=number))
    spec = validation.form_of(found.procedure)
    editable = correction.editable_fields(found)
    cls = wtform_class(spec.key)
    errors: dict = {}
    if request.method == "POST":
        form = cls()
        uploads = uploads_from_request(f.id for f in spec.attachment_fields if f.id in editable)
        try:
            correction.resubmit(g.applicant, found, request.form, uploads, utcnow())
            db.session.commit()
            flash(_("Your corrected application was sent. The ward office will review it "
                    "again."), "success")
            return redirect(url_for("portal.application", number=number))
        except InvalidInput as exc:
            db.session.rollback()
            errors = apply_errors(form, exc.errors)
        except OperationError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("portal.application", number=number))
    else:
        form = cls(formdata=to_formdata(found.fields or {}))
    readonly = [r for r in queries.field_rows(found) if r.id not in editable]
    return render_template("portal/correct.html", application=found, form=form,
                           blocks=blocks(spec, only=editable), readonly=readonly,
                           errors=errors, kept=validation.current_attachments(found),
                           current=found.current_round,
                           asked=queries.rounds(found)[-1] if found.rounds else None)


@bp.post("/mypage/<number>/withdraw")
@applicant_required
def withdraw(number: str):
    found = _load(number)
    commit_or_flash(lambda: correction.withdraw(g.applicant, found, utcnow()),
                    _("Your application was withdrawn."))
    return redirect(url_for("portal.application", number=number))


@bp.get("/mypage/<number>/files/<int:attachment_id>")
@applicant_required
def download(number: str, attachment_id: int):
    found = _load(number)
    row = access.attachment_of(found, attachment_id, staff=False)
    if row is None:
        abort(404)
    return send_file(storage.path_for(row.sha256), mimetype=row.content_type,
                     as_attachment=True, download_name=row.filename)


@bp.get("/mypage/<number>/summary.pdf")
@applicant_required
def summary_pdf(number: str):
    found = _load(number)
    pdf = application_report.render_summary(application_report.summary_view(found, staff=False))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="application-{found.number}.pdf"'})
