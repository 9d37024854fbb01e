"""Keeping an application in step with its case: status, correction rounds, notices.

The case (BPMN) decides; the application mirrors it. ``sync`` reads the case's status, data
(``outcome``, ``correction_round``, ``reminded_round``, ``message``, ``fields_to_fix``) and
open step, updates the application and puts the matching notice in the outbox — in the
caller's transaction. Every application operation calls it right after moving the case, so
the notice commits together with the change.

Timers (the reminder half-way to the deadline, the expiry) fire in the generic timer runner,
which knows nothing about applications. ``reconcile`` catches up with those: it picks the open
applications whose case version moved since their last sync (one indexed query) and syncs each
in its own transaction. Because the trigger is committed case state, a notice is never lost,
whichever process stops when; and since a sync records the case version it saw, running it
twice sends nothing twice. ``flask --app wsgi outbox send`` runs it before delivering mail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from forms.application_fields import procedure_form
from models.application import OPEN_APPLICATION_STATUSES, Application, ApplicationRound
from models.case import Case
from models.db import db
from models.user import User
from workflows.applications import messages
from workflows.applications.steps import CORRECT, open_items

OUTCOME_STATUS = {"accepted": "accepted", "rejected": "rejected", "withdrawn": "withdrawn"}


def field_labels(application: Application, field_ids: list[str]) -> list[str]:
    spec = procedure_form(application.procedure.form_key)
    return [str(spec.field(f).label) if spec and spec.field(f) else f for f in field_ids]


def sync(application: Application, now: datetime, *, actor: User | None = None) -> list[str]:
    """Bring the application in step with its case; returns the kinds of notices sent."""
    case = application.case
    if case is None or application.case_version == case.version:
        return []
    sent: list[str] = []
    data = case.data or {}
    if case.status == "completed":
        _finish(application, data, now, sent)
    elif case.status == "cancelled":
        _close_round(application, "closed", now)
        _set(application, "cancelled", now)
    elif case.status in ("active", "waiting"):
        step = next((i for i in open_items(application)), None)
        if step is not None and step.bpmn_id == CORRECT:
            if int(data.get("correction_round") or 0) > application.round:
                _open_round(application, data, step.due_at, now, actor, sent)
            _remind(application, data, now, sent)
        elif step is not None and application.status == "returned":
            _set(application, "submitted", now)
            _notify(application, "resubmitted", now, sent)
    application.case_version = case.version
    return sent


def _set(application: Application, status: str, now: datetime) -> None:
    application.status = status
    application.updated_at = now


def _notify(application: Application, kind: str, now: datetime, sent: list[str],
            labels: list[str] | None = None) -> None:
    db.session.flush()
    messages.application_notice(application, kind, now, labels=labels)
    sent.append(kind)


def _open_round(application: Application, data: dict, due_at: datetime | None,
                now: datetime, actor: User | None, sent: list[str]) -> None:
    number = int(data["correction_round"])
    fields = [str(f) for f in data.get("fields_to_fix") or []]
    application.rounds.append(ApplicationRound(
        number=number, returned_at=now, returned_by_id=actor.id if actor else None,
        message=str(data.get("message") or ""), fields_to_fix=fields, due_at=due_at,
        outcome="pending"))
    application.round = number
    _set(application, "returned", now)
    _notify(application, "returned", now, sent, field_labels(application, fields))


def _remind(application: Application, data: dict, now: datetime, sent: list[str]) -> None:
    current = application.current_round
    if current is None or current.outcome != "pending" or current.reminded_at is not None:
        return
    if int(data.get("reminded_round") or 0) == current.number:
        current.reminded_at = now
        application.reminders_sent += 1
        _notify(application, "reminder", now, sent)


def _close_round(application: Application, outcome: str, now: datetime) -> None:
    current = application.current_round
    if current is not None and current.outcome == "pending":
        current.outcome = outcome
        current.answered_at = current.answered_at or now


def _finish(application: Application, data: dict, now: datetime, sent: list[str]) -> None:
    status = OUTCOME_STATUS.get(str(data.get("outcome") or ""), "cancelled")
    if application.status == status:
        return
    if status == "withdrawn":
        _close_round(application, "expired" if data.get("withdrawn_reason") == "expired"
                     else "withdrawn", now)
    else:
        application.decision_message = str(data.get("message") or "")
        _close_round(application, "closed", now)
    application.decided_at = now
    _set(application, status, now)
    if status != "cancelled":
        _notify(application, status, now, sent)


def stale_ids(limit: int = 500) -> list[int]:
    """Open applications whose case moved on since they were last synced."""
    return list(db.session.scalars(
        select(Application.id).join(Case, Case.id == Application.case_id)
        .where(Application.status.in_(OPEN_APPLICATION_STATUSES),
               Case.version != Application.case_version)
        .order_by(Application.id).limit(limit)))


def reconcile(now: datetime, *, commit: Callable[[], None] | None = None) -> int:
    """Sync every stale application, one transaction each; returns how many changed."""
    commit = commit or db.session.commit
    done = 0
    for application_id in stale_ids():
        application = db.session.get(Application, application_id)
        if application is not None and sync(application, now):
            done += 1
        commit()
    return done
