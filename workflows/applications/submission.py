"""Submitting an application: number, case, notice and audit in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Column, bindparam, inspect

from forms.application_fields import ProcedureForm
from models.application import Application
from models.audit import record
from models.db import db
from models.loaded import inserted
from models.prepared import Prepared
from models.procedure import Procedure
from models.user import User
from workflows import cases
from workflows.applications import messages
from workflows.applications.numbering import next_number
from workflows.applications.validation import collect_findings, form_of
from workflows.failures import InvalidInput, OperationError
from workflows.routing import NobodyCanTake

_APPLICATIONS = Application.__table__
_INSERT = Prepared(_APPLICATIONS.insert().values(
    {c.key: bindparam(c.key) for c in _APPLICATIONS.c if not c.primary_key})
    .returning(_APPLICATIONS.c.id))


class ProcessFailed(OperationError):
    """The review process could not start; nothing was submitted."""

    status = 503


def check_accepting(procedure: Procedure, now: datetime) -> None:
    if not procedure.accepting(now):
        raise InvalidInput(_("The input has errors."), {"procedure_code": [
            _("This procedure is not accepting online applications now.")]})


def _column_default(column: Column) -> Any:
    default = column.default
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


def _insert(application: Application) -> None:
    """INSERT a new application in one Core statement; it stays persistent, fully loaded."""
    given = inspect(application).dict
    values = {column.key: given[column.key] if column.key in given else _column_default(column)
              for column in _APPLICATIONS.c if not column.primary_key}
    values.update(procedure_id=application.procedure.id, case_id=application.case.id,
                  applicant_id=application.applicant.id if application.applicant else None)
    values["id"] = _INSERT.execute(db.session.connection(), values).scalar_one()
    given.update(values)  # the row as stored; inserted() takes it as loaded
    inserted(application)


def subject_of(spec: ProcedureForm, values: dict) -> str:
    """Who applies, as the case shows it (e.g. 法人名 事業所名, or 姓 名)."""
    parts = [str(values.get(name) or "").strip() for name in spec.subject_fields]
    return " ".join(p for p in parts if p)[:100]


def submit(application: Application, *, actor: User | None, actor_name: str, now: datetime,
           findings: list | None = None) -> Application:
    """Number the application, start its case on the procedure's process and notify.

    The application may be a saved draft or a new, not yet added one (the intake API): a new
    one is inserted once, complete, after its case started (findings then come from the
    caller, who checked the files).
    """
    procedure = application.procedure
    check_accepting(procedure, now)
    spec = form_of(procedure)
    number = next_number()
    name = subject_of(spec, application.fields) or application.applicant_name
    with db.session.no_autoflush:  # a draft's changes are written with the rest, below
        application.number, application.applicant_name = number, name
        application.status = "submitted"
        application.submitted_at = application.updated_at = now
        notice = messages.compose_notice(application, "submitted")
        data = {"application_number": number, "procedure_code": procedure.code,
                "correction_days": procedure.correction_days}
        try:
            outcome = cases.start_case(
                procedure.process_id, data, actor=actor, channel="online",
                department=procedure.department, procedure_code=procedure.code,
                subject_name=name, reference=number, now=now,
                subject_kana=str((application.fields or {}).get("name_kana") or ""))
        except NobodyCanTake as exc:  # its process sends the review to no team queue
            raise InvalidInput(exc.message, {"procedure_code": [
                _("This procedure is not accepting online applications now.")]}) from exc
    if outcome.error:
        raise ProcessFailed(_("The application could not be received because its process "
                              "failed to start; please try again later."))
    application.case = outcome.case
    application.case_version = outcome.case.version
    application.findings = collect_findings(application) if findings is None else findings
    if inspect(application).transient:
        _insert(application)
    else:
        db.session.flush()
    record("application_submitted", "application", application.id, actor=actor,
           actor_name=actor_name, at=now,
           details={"number": number, "procedure": procedure.code,
                    "case": outcome.case.number, "channel": application.channel,
                    "findings": len(application.findings)})
    notice.send(application, now)
    return application
