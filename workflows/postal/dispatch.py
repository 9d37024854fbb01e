"""Posting letters and results: one 発送簿 line per item sent, and the case moves on.

The open step says what is being sent: the correction request letter (補正依頼), the reminder
(督促) or the result. The recipient is the sender of the case's first envelope; the letter's
missing items and deadline come from the case.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from japan.calendar import to_jst
from models.audit import record
from models.case import Case
from models.db import db
from models.postal import DISPATCH_METHODS, PostalDispatch, PostalEnvelope
from models.user import User
from workflows.cases import Outcome
from workflows.failures import Conflict, InvalidInput
from workflows.postal import access, steps

KIND_OF_STEP = {steps.SEND_LETTER: "correction", steps.REMIND: "reminder",
                steps.SEND_RESULT: "result"}


def first_envelope(case: Case) -> PostalEnvelope | None:
    return db.session.scalar(select(PostalEnvelope).where(PostalEnvelope.case_id == case.id)
                             .order_by(PostalEnvelope.id).limit(1))


def pending_kind(case: Case) -> str | None:
    """What the case waits to have posted: correction, reminder, result; None otherwise."""
    item = steps.open_step(case)
    return KIND_OF_STEP.get(item.bpmn_id) if item else None


def letter_due(case: Case, kind: str) -> date | None:
    """The deadline printed on a letter: the correction's, or the last one on a reminder."""
    key = {"correction": "letter_due", "reminder": "withdraw_due"}.get(kind)
    value = (case.data or {}).get(key) if key else None
    return date.fromisoformat(value) if value else None


def _check(sent_on: date, method: str, tracking: str, now: datetime) -> None:
    errors = {}
    if sent_on > to_jst(now).date():
        errors["sent_on"] = [_("The date sent is in the future.")]
    if method not in DISPATCH_METHODS:
        errors["method"] = [_("Choose how it was sent.")]
    if len(tracking) > 30:
        errors["tracking_number"] = [_("Enter at most %(max)d characters.", max=30)]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)


def send(case: Case, actor: User, *, sent_on: date, method: str, tracking_number: str = "",
         note: str = "", now: datetime) -> tuple[PostalDispatch, Outcome]:
    """Record what was posted for the case's open step, then complete that step."""
    access.check_department(actor, case)
    kind = pending_kind(case)
    if kind is None:
        raise Conflict(_("Case %(number)s has no letter or result waiting to be sent.",
                         number=case.number))
    tracking = (tracking_number or "").strip()
    _check(sent_on, method, tracking, now)
    envelope = first_envelope(case)
    data = case.data or {}
    line = PostalDispatch(
        case_id=case.id, department_id=case.department_id, procedure_id=envelope.procedure_id,
        kind=kind, round=int(data.get("correction_round") or 0), sent_on=sent_on,
        method=method, tracking_number=tracking, recipient_name=envelope.sender_name,
        recipient_postal_code=envelope.sender_postal_code,
        recipient_address=envelope.sender_address,
        missing=list(data.get("missing") or []) if kind != "result" else [],
        due_date=letter_due(case, kind), outcome=str(data.get("outcome") or "")
        if kind == "result" else "", note=(note or "").strip(), sent_by_id=actor.id,
        created_at=now)
    db.session.add(line)
    db.session.flush()
    task_data = {"dispatch_id": line.id, "sent_on": sent_on.isoformat(), "method": method,
                 "tracking_number": tracking}
    if kind == "reminder":
        task_data = {"action": "sent", "dispatch_id": line.id}
    outcome = steps.complete(case, (steps.SEND_LETTER, steps.REMIND, steps.SEND_RESULT),
                             task_data, actor=actor, now=now,
                             not_waiting=_("Nothing is waiting to be sent."))
    record("postal_dispatched", "case", case.id, actor=actor, at=now, details={
        "number": case.number, "dispatch": line.id, "kind": kind,
        "sent_on": sent_on.isoformat(), "method": method, "tracking_number": tracking})
    return line, outcome
