"""The department's decisions on a postal application: review, and the supervisor's 決裁."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from models.audit import record
from models.case import Case
from models.user import User
from workflows.cases import Outcome
from workflows.failures import InvalidInput
from workflows.postal import access, catalogue, steps


def decide(case: Case, actor: User, *, decision: str, missing: list[str], message: str,
           now: datetime, expected_version: int | None = None) -> Outcome:
    """Complete, incomplete (a correction letter follows) or reject (to the supervisor)."""
    access.check_department(actor, case)
    procedure = catalogue.by_code(case.procedure_code or "")
    known = list(procedure[1].enclosures or []) if procedure else []
    chosen = [m for m in dict.fromkeys(missing or [])] if decision == "incomplete" else []
    unknown = [m for m in chosen if m not in known]
    if unknown:
        raise InvalidInput(_("The input has errors."), {"missing": [
            _("Not on this procedure's checklist: %(items)s", items="、".join(unknown))]})
    data = {"decision": decision, "missing": chosen, "message": (message or "").strip()}
    outcome = steps.complete(case, (steps.REVIEW,), data, actor=actor, now=now,
                             expected_version=expected_version,
                             not_waiting=_("This postal application is not waiting for "
                                           "review."))
    record("postal_reviewed", "case", case.id, actor=actor, at=now,
           details={"number": case.number, "decision": decision, "missing": chosen,
                    "round": int((case.data or {}).get("correction_round") or 0)})
    return outcome


def confirm_rejection(case: Case, actor: User, *, approval: str, note: str, now: datetime,
                      expected_version: int | None = None) -> Outcome:
    """The supervisor approves the rejection (the result is then posted) or sends it back."""
    access.check_department(actor, case)
    outcome = steps.complete(case, (steps.CONFIRM_REJECTION,),
                             {"approval": approval, "note": (note or "").strip()}, actor=actor,
                             now=now, expected_version=expected_version,
                             not_waiting=_("This postal application is not waiting for a "
                                           "decision on its rejection."))
    record("postal_rejection_decided", "case", case.id, actor=actor, at=now,
           details={"number": case.number, "approval": approval})
    return outcome


def withdraw(case: Case, actor: User, *, note: str, now: datetime) -> Outcome:
    """The applicant withdrew (取下書 by post or a call) while the case waited for documents."""
    access.check_department(actor, case)
    outcome = steps.complete(case, (steps.AWAIT,), {"action": "withdrawn",
                                                    "note": (note or "").strip()},
                             actor=actor, now=now,
                             not_waiting=_("This case is not waiting for documents."))
    record("postal_withdrawn", "case", case.id, actor=actor, at=now,
           details={"number": case.number, "note": (note or "").strip()})
    return outcome
