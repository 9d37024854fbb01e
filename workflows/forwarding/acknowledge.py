"""The way back: the department returns the acknowledged receipt, the branch files it.

Also the supervisor's decision when documents were missing from their bag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from japan.wareki import format_datetime_ja
from models.audit import record
from models.base import utcnow
from models.receipt import Receipt
from models.user import User
from workflows.failures import Conflict, InvalidInput, stale_is_conflict
from workflows.forwarding.access import check_branch, check_department, check_supervisor
from workflows.forwarding.steps import complete_step, refresh_due, touch

LOST_REASON = "所在不明"


def _statuses(receipt: Receipt) -> set[str]:
    return {line.status for line in receipt.active_lines}


def _check_status(receipt: Receipt, wanted: str) -> None:
    statuses = _statuses(receipt)
    number = receipt.numbers[0]
    if statuses == {wanted}:
        return
    if not statuses:
        raise Conflict(_("Receipt %(number)s has been cancelled.", number=number))
    if receipt.filed_at is not None:
        raise Conflict(_("Receipt %(number)s was already filed on %(when)s.", number=number,
                         when=format_datetime_ja(receipt.filed_at)))
    if wanted == "received" and "returning" in statuses:
        raise Conflict(_("Receipt %(number)s was already returned on %(when)s.", number=number,
                         when=format_datetime_ja(receipt.returned_at or utcnow())))
    if "in_transit" in statuses:
        raise Conflict(_("Receipt %(number)s has not been received by the department yet.",
                         number=number))
    raise Conflict(_("Receipt %(number)s is not at this step.", number=number))


@dataclass(frozen=True)
class _Step:
    """One step of the way back, done for several receipts at once."""

    check: Callable[[User, Receipt], None]  # raises unless the actor may do it for the receipt
    old: str  # line status before
    new: str  # line status after
    stamp: str  # "returned" sets returned_at (lines, receipt) and returned_by_id (receipt)
    tasks: tuple[str, ...]  # the BPMN tasks it completes
    data: Callable[[datetime], dict]  # the task data
    none_chosen: Callable[[], str]  # message when no receipt was chosen
    not_waiting: Callable[[str], str]  # message when the case is not at the step, by number
    event: str  # audit action


_RETURN = _Step(
    check=lambda actor, receipt: check_department(actor, receipt.department),
    old="received", new="returning", stamp="returned", tasks=("return_receipt", "remind_return"),
    data=lambda now: {"returned_at": now.isoformat()},
    none_chosen=lambda: _("Choose the receipts to return."),
    not_waiting=lambda number: _("Receipt %(number)s is not waiting to be returned.",
                                 number=number),
    event="forwarding_receipt_returned")
_FILE = _Step(
    check=lambda actor, receipt: check_branch(actor, receipt.office),
    old="returning", new="filed", stamp="filed", tasks=("file_receipt",),
    data=lambda now: {"filed_at": now.isoformat(), "matched": True},
    none_chosen=lambda: _("Choose the receipts you checked and filed."),
    not_waiting=lambda number: _("Receipt %(number)s is not waiting to be filed.", number=number),
    event="forwarding_receipt_filed")


def _advance(actor: User, receipts: list[Receipt], step: _Step, now: datetime | None
             ) -> list[Receipt]:
    now = now or utcnow()
    if not receipts:
        raise InvalidInput(_("The input has errors."), {"receipts": [step.none_chosen()]})
    for receipt in receipts:
        step.check(actor, receipt)
        _check_status(receipt, step.old)
    for receipt in receipts:
        touch(receipt, now)
        for line in receipt.active_lines:
            if line.status == step.old:
                line.status = step.new
                setattr(line, f"{step.stamp}_at", now)
        setattr(receipt, f"{step.stamp}_at", now)
        setattr(receipt, f"{step.stamp}_by_id", actor.id)
        complete_step(receipt, step.tasks, step.data(now), actor=actor, now=now,
                      not_waiting=step.not_waiting(receipt.numbers[0]))
        refresh_due(receipt)
        record(step.event, "forwarding_receipt", receipt.id, actor=actor, at=now,
               details={"numbers": receipt.numbers, "before": {"status": step.old},
                        "after": {"status": step.new}})
    return receipts


@stale_is_conflict
def return_receipts(actor: User, receipts: list[Receipt], now: datetime | None = None
                    ) -> list[Receipt]:
    """The department sends acknowledged originals back to their branches (返送)."""
    return _advance(actor, receipts, _RETURN, now)


@stale_is_conflict
def file_receipts(actor: User, receipts: list[Receipt], now: datetime | None = None
                  ) -> list[Receipt]:
    """The branch checks each returned original against its copy and files it (完了)."""
    return _advance(actor, receipts, _FILE, now)


@stale_is_conflict
def resolve_missing(actor: User, receipt: Receipt, resolution: str, note: str,
                    now: datetime | None = None) -> Receipt:
    """After a search: 'found' (now at the department) or 'lost' (lines cancelled as 所在不明)."""
    now = now or utcnow()
    check_supervisor(actor, receipt.department)
    note = (note or "").strip()
    errors = {}
    if resolution not in ("found", "lost"):
        errors["resolution"] = [_("Choose a result.")]
    if not note or len(note) > 500:
        errors["note"] = [_("Describe what was done (at most %(max)d characters).", max=500)]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    missing = [line for line in receipt.active_lines if line.missing]
    if not missing:
        raise Conflict(_("Receipt %(number)s has no missing documents.",
                         number=receipt.numbers[0]))
    touch(receipt, now)
    for line in missing:
        if resolution == "found":
            line.status, line.received_at, line.missing = "received", now, False
        else:
            line.status, line.cancelled_at, line.cancelled_by = "cancelled", now, actor
            line.cancel_reason, line.due_at = f"{LOST_REASON}: {note}"[:200], None
    complete_step(receipt, ("resolve_missing",), {"resolution": resolution, "note": note},
                  actor=actor, now=now,
                  not_waiting=_("Receipt %(number)s is not waiting for a decision on missing "
                                "documents.", number=receipt.numbers[0]))
    refresh_due(receipt)
    record("forwarding_missing_resolved", "forwarding_receipt", receipt.id, actor=actor, at=now,
           details={"numbers": [line.number for line in missing], "resolution": resolution,
                    "note": note})
    return receipt
