"""May a document be forwarded? The DMN table in bpmn/branch_forwarding decides.

The decision runs as the tiny process ``branch_forwarding_eligibility`` (latest deployed
version), so process designers change the rules by deploying a new version of the folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from japan.calendar import to_jst
from models.base import utcnow
from models.document_type import DocumentType
from workflows import engine
from workflows.errors import EngineError
from workflows.failures import InvalidInput, OperationError
from workflows.registry import bundle_for_ref, require_latest

PROCESS_ID = "branch_forwarding_eligibility"
SUBMITTER_TYPES = ("individual", "business")

REASONS = {
    "business": _l("Documents from businesses are not forwarded."),
    "not_listed": _l("This document is not on the list of documents branches forward "
                     "(for example, fewer than about 50 a year)."),
    "urgent": _l("Urgent matters are not forwarded."),
    "acceptance_date": _l("The date of acceptance matters for this document, so it is not "
                          "forwarded."),
    "past_deadline": _l("The document is past its deadline, so it is not forwarded."),
}


class EligibilityUnavailable(OperationError):
    """The decision could not be made (process not deployed or the rules failed)."""

    status = 503


@dataclass(frozen=True)
class Decision:
    forwardable: bool
    reason: str = ""

    @property
    def message(self) -> str:
        return str(REASONS.get(self.reason, self.reason)) if self.reason else ""


def reason_message(code: str) -> str:
    """The clerk-facing sentence for a reason code (the code itself when unknown)."""
    return str(REASONS.get(code, code))


def past_deadline(doc_type: DocumentType, event_date: date | None, now: datetime) -> bool:
    """True when the type has a deadline rule and the event was too long ago (JST today)."""
    if doc_type.deadline_days is None or event_date is None:
        return False
    return to_jst(now).date() > event_date + timedelta(days=doc_type.deadline_days)


def decide(doc_type: DocumentType, *, submitter_type: str = "individual", urgent: bool = False,
           event_date: date | None = None, now: datetime | None = None) -> Decision:
    """Run the eligibility decision for one document."""
    now = now or utcnow()
    inputs = {
        "submitter_type": submitter_type,
        "type_forwardable": bool(doc_type.forwardable and doc_type.active),
        "acceptance_date_matters": bool(doc_type.acceptance_date_matters),
        "urgent": bool(urgent),
        "past_deadline": past_deadline(doc_type, event_date, now),
    }
    try:
        bundle = bundle_for_ref(require_latest(PROCESS_ID))
        data = engine.start(bundle, inputs, now=now).data
    except EngineError as exc:
        raise EligibilityUnavailable(_("The forwarding rules could not be evaluated: "
                                       "%(error)s", error=str(exc))) from exc
    except OperationError as exc:
        raise EligibilityUnavailable(exc.message) from exc
    return Decision(bool(data.get("forwardable")), str(data.get("reason") or ""))


def type_decision(doc_type: DocumentType, cache: dict | None = None) -> Decision:
    """The decision for a plain visit (individual, not urgent, no deadline passed)."""
    key = (doc_type.forwardable and doc_type.active, doc_type.acceptance_date_matters)
    if cache is not None and key in cache:
        return cache[key]
    decision = decide(doc_type)
    if cache is not None:
        cache[key] = decision
    return decision


@dataclass(frozen=True)
class Refusal:
    """A document that cannot be forwarded, and where the resident must take it instead."""

    index: int
    type_code: str
    type_name: str
    department: str
    reason: str
    message: str


class NotForwardable(InvalidInput):
    """Some documents may not be forwarded; nothing was issued."""

    def __init__(self, refusals: list[Refusal]) -> None:
        errors = {f"lines-{r.index}-document_type": [r.message] for r in refusals}
        super().__init__(_("Some documents cannot be forwarded; nothing was issued."), errors)
        self.refusals = refusals


def check_eligible(lines: list, types: list[DocumentType], submitter_type: str,
                   now: datetime) -> None:
    """Raise NotForwardable listing every document the rules refuse."""
    if submitter_type not in SUBMITTER_TYPES:
        raise InvalidInput(_("The input has errors."),
                           {"submitter": [_("Choose who submits the documents.")]})
    refusals = []
    for i, (line, doc_type) in enumerate(zip(lines, types, strict=True)):
        decision = decide(doc_type, submitter_type=submitter_type,
                          urgent=line.urgent, event_date=line.event_date, now=now)
        if not decision.forwardable:
            refusals.append(Refusal(i, doc_type.code, doc_type.name, doc_type.department.name,
                                    decision.reason, decision.message))
    if refusals:
        raise NotForwardable(refusals)
