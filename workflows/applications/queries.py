"""Read side of online applications: マイページ, the application page, the staff list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select

from forms.application_fields import FieldDef, field_value_text, procedure_form
from models.applicant import Applicant
from models.application import Application
from models.attachment import Attachment
from models.case import Case
from models.db import db
from models.outbox import OutboxMessage
from models.user import User
from workflows.applications.xlsx_check import describe

ROUND_OUTCOME_LABELS = ("pending", "resubmitted", "withdrawn", "expired", "closed")


@dataclass
class FieldRow:
    id: str
    label: str
    text: str
    group: str = ""
    help: str = ""


@dataclass
class RoundView:
    number: int
    returned_at: Any
    returned_by: str
    message: str
    fields: list[str]
    due_at: Any
    reminded_at: Any
    answered_at: Any
    outcome: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def _owned(applicant: Applicant) -> ColumnElement[bool]:
    mine = Application.applicant_id == applicant.id
    if not applicant.verified:
        return mine
    return or_(mine, and_(Application.applicant_id.is_(None), Application.channel == "api",
                          Application.applicant_email == applicant.email))


def applicant_history(applicant: Applicant, number: str = "") -> list[Application]:
    """The applicant's submitted applications, newest first (申請履歴)."""
    query = select(Application).where(_owned(applicant), Application.status != "draft")
    if number:
        query = query.where(Application.number == number)
    return list(db.session.scalars(query.order_by(Application.submitted_at.desc(),
                                                  Application.id.desc()).limit(200)))


def applicant_drafts(applicant: Applicant) -> list[Application]:
    return list(db.session.scalars(select(Application).where(
        Application.applicant_id == applicant.id, Application.status == "draft"
    ).order_by(Application.updated_at.desc())))


def field_rows(application: Application, only: set[str] | None = None) -> list[FieldRow]:
    """Each input field with its label and the value as entered."""
    spec = procedure_form(application.procedure.form_key)
    if spec is None:
        return []
    values = application.fields or {}
    return [FieldRow(f.id, str(f.label), field_value_text(f, values.get(f.id)),
                     str(f.group or ""), str(f.help or ""))
            for f in spec.input_fields
            if f.type != "email_confirm" and (only is None or f.id in only)]


def attachments(application: Application, *, staff: bool) -> list[Attachment]:
    """Current files (applicant), or every file of every round (staff)."""
    query = select(Attachment).where(Attachment.application_id == application.id)
    if not staff:
        query = query.where(Attachment.replaced_at.is_(None))
    return list(db.session.scalars(query.order_by(Attachment.field_id, Attachment.id)))


def attachment_label(application: Application, field_id: str) -> str:
    spec = procedure_form(application.procedure.form_key)
    spec_field = spec.field(field_id) if spec else None
    return str(spec_field.label) if spec_field else field_id


def findings_text(application: Application) -> list[str]:
    return [describe(f) for f in application.findings or []]


def _label(spec_field: FieldDef | None, field_id: str) -> str:
    return str(spec_field.label) if spec_field else field_id


def rounds(application: Application) -> list[RoundView]:
    """Every return for correction with what was asked and what changed."""
    spec = procedure_form(application.procedure.form_key)
    out = []
    for r in application.rounds:
        changes = []
        for field_id, (old, new) in (r.changes or {}).items():
            spec_field = spec.field(field_id) if spec else None
            if spec_field and not spec_field.is_attachment:
                old, new = field_value_text(spec_field, old), field_value_text(spec_field, new)
            changes.append((_label(spec_field, field_id), old or "", new or ""))
        out.append(RoundView(
            r.number, r.returned_at, r.returned_by.display_name if r.returned_by else "",
            r.message, [_label(spec.field(f) if spec else None, f) for f in r.fields_to_fix],
            r.due_at, r.reminded_at, r.answered_at, r.outcome, changes))
    return out


def notices(application: Application) -> list[OutboxMessage]:
    """The messages sent about this application (マイページ's お知らせ), newest first."""
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.application_id == application.id).order_by(OutboxMessage.id.desc())))


def recent_notices(applicant: Applicant, limit: int = 10) -> list[OutboxMessage]:
    """Notices about the applicant's applications (not sign-in notices), newest first."""
    ids = select(Application.id).where(_owned(applicant))
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.application_id.in_(ids)).order_by(OutboxMessage.id.desc()).limit(limit)))


def staff_applications(user: User, *, status: str = "", number: str = "",
                       limit: int = 200) -> list[Application]:
    """Applications of the departments the user works for (all for admins), newest first."""
    query = select(Application).join(Case, Case.id == Application.case_id)
    if not user.has_role("admin"):
        query = query.where(Case.department_id.in_(user.department_ids or {-1}))
    if status:
        query = query.where(Application.status == status)
    if number:
        query = query.where(Application.number == number.strip())
    return list(db.session.scalars(query.order_by(Application.submitted_at.desc(),
                                                  Application.id.desc()).limit(limit)))


def application_by_number(number: str) -> Application | None:
    return db.session.scalar(select(Application).where(Application.number == number))
