"""Portal: 申請内容の入力 → 申請内容の確認 → 申請の完了, and drafts (保存してあとで申請する)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forms.application_fields import wtform_class
from forms.registry import to_formdata
from models.base import utcnow
from webapp.actions import commit_or_flash
from webapp.extensions import db
from webapp.portal import applicant_required, bp, uploads_from_request
from webapp.portal.render import apply_errors, blocks
from workflows.applications import access, catalogue, drafts, queries, validation
from workflows.failures import InvalidInput, OperationError


def _draft(key: str):
    draft = access.applicant_draft(g.applicant, key, ip=request.remote_addr)
    if draft is None:
        db.session.commit()  # the refused attempt is audited
        abort(404)
    return draft


def _input_page(procedure, draft):
    spec = validation.form_of(procedure)
    cls = wtform_class(spec.key)
    errors: dict = {}
    if request.method == "POST":
        form = cls()
        complete = request.form.get("action") != "save"
        uploads = uploads_from_request(f.id for f in spec.attachment_fields)
        try:
            draft = drafts.save(g.applicant, procedure, draft, request.form, uploads,
                                complete=complete, now=utcnow())
            db.session.commit()
        except drafts.AlreadySubmitted as exc:
            db.session.rollback()
            return redirect(url_for("portal.application", number=exc.application.number))
        except InvalidInput as exc:
            db.session.rollback()
            errors = apply_errors(form, exc.errors)
        except OperationError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            if complete:
                return redirect(url_for("portal.confirm", key=draft.draft_key))
            flash(_("Your input was saved. You can finish the application later from My "
                    "page."), "success")
            return redirect(url_for("portal.mypage"))
    else:
        form = cls(formdata=to_formdata(draft.fields) if draft else None)
        if draft is not None and request.args.get("check"):
            try:
                validation.validate_stored(draft)
            except InvalidInput as exc:
                errors = apply_errors(form, exc.errors)
    kept = validation.current_attachments(draft) if draft is not None else {}
    return render_template("portal/apply.html", procedure=procedure, spec=spec, form=form,
                           blocks=blocks(spec), errors=errors, kept=kept, draft=draft)


@bp.route("/procedures/<code>/apply", methods=["GET", "POST"])
@applicant_required
def apply(code: str):
    procedure = catalogue.by_code(code)
    if procedure is None:
        abort(404)
    if not procedure.accepting(utcnow()):
        flash(_("This procedure is not accepting online applications now."), "error")
        return redirect(url_for("portal.procedure", code=code))
    return _input_page(procedure, None)


@bp.route("/drafts/<key>", methods=["GET", "POST"])
@applicant_required
def draft(key: str):
    found = _draft(key)
    if found.status != "draft":
        return redirect(url_for("portal.application", number=found.number))
    return _input_page(found.procedure, found)


@bp.get("/drafts/<key>/confirm")
@applicant_required
def confirm(key: str):
    found = _draft(key)
    if found.status != "draft":
        return redirect(url_for("portal.application", number=found.number))
    try:
        validation.validate_stored(found)
    except InvalidInput:
        flash(_("Some entries need attention before you can apply."), "error")
        return redirect(url_for("portal.draft", key=key, check=1))
    return render_template("portal/confirm.html", application=found,
                           rows=queries.field_rows(found),
                           files=queries.attachments(found, staff=False),
                           findings=queries.findings_text(found),
                           label=lambda f: queries.attachment_label(found, f))


@bp.post("/drafts/<key>/submit")
@applicant_required
def submit(key: str):
    found = _draft(key)
    try:
        submitted = drafts.submit(g.applicant, found, utcnow())
        db.session.commit()
    except drafts.AlreadySubmitted as exc:
        db.session.rollback()
        return redirect(url_for("portal.done", number=exc.application.number))
    except InvalidInput as exc:
        db.session.rollback()
        for message in exc.errors.get("procedure_code", []):
            flash(message, "error")
        return redirect(url_for("portal.draft", key=key, check=1))
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("portal.confirm", key=key))
    return redirect(url_for("portal.done", number=submitted.number))


@bp.post("/drafts/<key>/delete")
@applicant_required
def delete_draft(key: str):
    found = _draft(key)
    commit_or_flash(lambda: drafts.discard(g.applicant, found, utcnow()),
                    _("The saved application was deleted."))
    return redirect(url_for("portal.mypage"))
