"""Admin: the procedure catalogue (create, edit) and the e-mail outbox (read, retry)."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.application_fields import procedure_form_keys
from forms.application_staff import ProcedureAdminForm
from forms.choices import choices
from japan.calendar import JST
from models.outbox import OUTBOX_STATUSES, OutboxMessage
from models.procedure import Procedure
from webapp import org
from webapp.access import get_or_404, roles_required
from webapp.applications import bp
from webapp.extensions import db
from webapp.portal.render import apply_errors
from workflows import notifications, params
from workflows.applications import catalogue
from workflows.failures import InvalidInput


def _form(procedure: Procedure | None) -> ProcedureAdminForm:
    form = ProcedureAdminForm(obj=procedure)
    form.department_id.choices = choices([(0, "—")] + [(d.id, d.name)
                                                       for d in org.list_departments()])
    form.form_key.choices = choices((k, k) for k in procedure_form_keys())
    if request.method == "GET":
        if procedure is not None:
            form.department_id.data = procedure.department_id or 0
            form.accept_from.data = _local(procedure.accept_from)
            form.accept_until.data = _local(procedure.accept_until)
        else:
            form.process_id.data = "online_application"
            form.correction_days.data = 14
            form.channels.data = ["online"]
    return form


def _local(value: datetime | None) -> datetime | None:
    return value.astimezone(JST).replace(tzinfo=None) if value else None


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=JST) if value else None


def _values(form: ProcedureAdminForm) -> dict:
    values = {name: form[name].data for name in catalogue.EDITABLE if name in form}
    values["department_id"] = form.department_id.data or None
    values["accept_from"] = _aware(form.accept_from.data)
    values["accept_until"] = _aware(form.accept_until.data)
    values["position"] = form.position.data or 0
    return values


@bp.get("/admin/procedures")
@roles_required("admin")
def admin_procedures():
    return render_template("applications/procedures.html",
                           procedures=catalogue.all_procedures())


@bp.route("/admin/procedures/new", methods=["GET", "POST"])
@roles_required("admin")
def admin_procedure_new():
    return _edit(None)


@bp.route("/admin/procedures/<int:procedure_id>", methods=["GET", "POST"])
@roles_required("admin")
def admin_procedure_edit(procedure_id: int):
    return _edit(get_or_404(Procedure, procedure_id))


def _edit(procedure: Procedure | None):
    form = _form(procedure)
    if form.validate_on_submit():
        try:
            saved = catalogue.save(current_user, procedure, _values(form))
            db.session.commit()
        except InvalidInput as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            flash(_("Procedure %(code)s was saved.", code=saved.code), "success")
            return redirect(url_for("applications.admin_procedures"))
    return render_template("applications/procedure_form.html", form=form, procedure=procedure)


@bp.get("/admin/outbox")
@roles_required("admin")
def admin_outbox():
    status = request.args.get("status", "")
    status = status if status in OUTBOX_STATUSES else ""
    page = notifications.list_messages(status=status, to_addr=request.args.get("to", "")[:254],
                                       page=params.page_number(request.args.get("page")))
    return render_template("applications/outbox.html", page=page, status=status,
                           statuses=OUTBOX_STATUSES, to=request.args.get("to", "")[:254],
                           configured=notifications.mail_configured())


@bp.get("/admin/outbox/<int:message_id>")
@roles_required("admin")
def admin_outbox_message(message_id: int):
    return render_template("applications/outbox_message.html",
                           message=get_or_404(OutboxMessage, message_id))


@bp.post("/admin/outbox/<int:message_id>/retry")
@roles_required("admin")
def admin_outbox_retry(message_id: int):
    message = get_or_404(OutboxMessage, message_id)
    if message.status == "sent":
        abort(409)
    notifications.retry_now(message)
    db.session.commit()
    flash(_("The message will be sent again at the next delivery run."), "success")
    return redirect(url_for("applications.admin_outbox_message", message_id=message_id))
