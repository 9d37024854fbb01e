"""Staff decisions on an application: the clerk's review and the supervisor's 決裁."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from forms.application_tasks import via_application_screens
from models.application import Application
from models.audit import record
from models.user import User
from workflows import cases
from workflows.applications.steps import CONFIRM_REJECTION, REVIEW, open_step
from workflows.applications.sync import sync
from workflows.applications.validation import form_of
from workflows.cases import Outcome
from workflows.failures import Conflict, InvalidInput


def decide(application: Application, actor: User, *, decision: str, message: str,
           fields_to_fix: list[str], expected_version: int | None = None,
           now: datetime) -> Outcome:
    """Accept, reject (goes to the supervisor) or return the application for correction."""
    item = open_step(application, REVIEW)
    if item is None:
        raise Conflict(_("This application is not waiting for review."))
    known = {f.id for f in form_of(application.procedure).fields}
    chosen = list(dict.fromkeys(fields_to_fix or [])) if decision == "return" else []
    unknown = [f for f in chosen if f not in known]
    if unknown:
        raise InvalidInput(_("The input has errors."), {"fields_to_fix": [
            _("Unknown field: %(fields)s", fields=", ".join(unknown))]})
    data = {"decision": decision, "message": (message or "").strip(), "fields_to_fix": chosen}
    with via_application_screens():
        outcome = cases.complete_task(item, data, actor=actor, expected_version=expected_version,
                                      now=now)
    record("application_reviewed", "application", application.id, actor=actor, at=now,
           details={"number": application.number, "decision": decision,
                    "fields_to_fix": chosen, "round": application.round})
    if outcome.error is None:
        sync(application, now, actor=actor)
    return outcome


def confirm_rejection(application: Application, actor: User, *, approval: str, note: str,
                      expected_version: int | None = None, now: datetime) -> Outcome:
    """The supervisor approves the rejection (the applicant is told) or sends it back."""
    item = open_step(application, CONFIRM_REJECTION)
    if item is None:
        raise Conflict(_("This application is not waiting for a decision on its rejection."))
    with via_application_screens():
        outcome = cases.complete_task(item, {"approval": approval, "note": (note or "").strip()},
                                      actor=actor, expected_version=expected_version, now=now)
    record("application_rejection_decided", "application", application.id, actor=actor, at=now,
           details={"number": application.number, "approval": approval})
    if outcome.error is None:
        sync(application, now, actor=actor)
    return outcome
