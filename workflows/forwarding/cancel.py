"""Cancel receipt lines at the branch before they leave: the number stays, marked 取消."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from models.audit import record
from models.base import utcnow
from models.db import db
from models.receipt import Receipt, ReceiptLine
from models.user import User
from workflows.failures import Conflict, InvalidInput, stale_is_conflict
from workflows.forwarding.access import check_branch
from workflows.forwarding.issue import snapshot
from workflows.forwarding.steps import touch
from workflows.state import clear_work

REASON_MAX = 200


@stale_is_conflict
def cancel_lines(actor: User, receipt: Receipt, reason: str, line_ids: list[int] | None = None,
                 now: datetime | None = None) -> list[ReceiptLine]:
    """Cancel the given lines (all active ones when None); the case ends with its last line."""
    now = now or utcnow()
    check_branch(actor, receipt.office)
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(_("The input has errors."), {"reason": [
            _("Give a reason for cancelling (at most %(max)d characters).", max=REASON_MAX)]})
    chosen = [line for line in receipt.lines
              if line_ids is None and line.status != "cancelled"
              or line_ids is not None and line.id in line_ids]
    if not chosen or (line_ids is not None and len(chosen) != len(set(line_ids))):
        raise InvalidInput(_("The input has errors."),
                           {"lines": [_("Choose the documents to cancel.")]})
    for line in chosen:
        if line.status == "cancelled":
            raise Conflict(_("%(number)s has already been cancelled.", number=line.number))
        if line.status != "held":
            raise Conflict(_("%(number)s has already left the branch; it can no longer be "
                             "cancelled here.", number=line.number))
    before = snapshot(receipt)
    touch(receipt, now)
    for line in chosen:
        line.status = "cancelled"
        line.cancelled_at = now
        line.cancelled_by = actor
        line.cancel_reason = reason
        line.due_at = None
    if not receipt.active_lines and receipt.case is not None:
        _end_case(receipt, actor, reason, now)
    record("forwarding_lines_cancelled", "forwarding_receipt", receipt.id, actor=actor, at=now,
           details={"numbers": [line.number for line in chosen], "reason": reason,
                    "before": before, "after": snapshot(receipt)})
    db.session.flush()
    return chosen


def _end_case(receipt: Receipt, actor: User, reason: str, now: datetime) -> None:
    case = receipt.case
    before = case.status
    clear_work(case, now)
    case.status = "cancelled"
    case.cancel_reason = reason
    case.completed_at = case.updated_at = now
    record("case_cancelled", "case", case.id, actor=actor, at=now,
           details={"number": case.number, "reason": reason, "before": before,
                    "after": "cancelled"})
