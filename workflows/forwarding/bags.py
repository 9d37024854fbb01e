"""Internal-mail bags (庁内便): dispatch from the branch, receive and tick at the department."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from japan.calendar import to_jst
from japan.wareki import format_datetime_ja
from models.audit import record
from models.bag import Bag, BagItem
from models.base import utcnow
from models.counter import next_value
from models.db import db
from models.office import Office
from models.receipt import Receipt, ReceiptLine
from models.user import User
from workflows.failures import Conflict, InvalidInput, stale_is_conflict
from workflows.forwarding.access import check_branch, check_department, check_supervisor
from workflows.forwarding.steps import complete_step, refresh_due, touch

CLOCK_SKEW = timedelta(minutes=5)
NUMBER_MAX = 40


def normalize_number(text: str) -> str:
    """What a clerk typed or scanned, as stored: full-width to half-width, upper case."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def bag_number(office: Office, now: datetime) -> str:
    """DAISHI-20260601-01: branch code, dispatch day (JST) and the day's serial."""
    day = to_jst(now).strftime("%Y%m%d")
    return f"{office.code}-{day}-{next_value(f'bag:{office.code}:{day}'):02d}"


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput(_("The input has errors."), {field: [message]})


@stale_is_conflict
def dispatch_bag(actor: User, office: Office, receipts: list[Receipt],
                 now: datetime | None = None) -> Bag:
    """Put receipts for one department into a new bag and send it; each case moves on."""
    now = now or utcnow()
    check_branch(actor, office)
    if not receipts:
        raise _bad("receipts", _("Choose the receipts to put in the bag."))
    if len({r.department_id for r in receipts}) > 1:
        raise _bad("receipts", _("A bag goes to one department; choose receipts for one "
                                 "department only."))
    for receipt in receipts:
        check_branch(actor, receipt.office)
        if not receipt.active_lines:
            raise Conflict(_("Receipt %(number)s has been cancelled.",
                             number=receipt.numbers[0]))
        for line in receipt.active_lines:
            if line.status != "held":
                raise Conflict(_("%(number)s has already been dispatched (bag %(bag)s).",
                                 number=line.number, bag=line.bag.number if line.bag else "-"))
    bag = Bag(number=bag_number(office, now), office=office, department=receipts[0].department,
              status="in_transit", dispatched_at=now, dispatched_by=actor)
    db.session.add(bag)
    for receipt in receipts:
        touch(receipt, now)
        for line in receipt.active_lines:
            bag.items.append(BagItem(line=line, number=line.number, listed=True))
            line.status, line.dispatched_at, line.bag = "in_transit", now, bag
        complete_step(receipt, ("dispatch",), {"bag_number": bag.number}, actor=actor, now=now,
                      not_waiting=_("Receipt %(number)s is not waiting to be dispatched.",
                                    number=receipt.numbers[0]))
        refresh_due(receipt)
    db.session.flush()
    record("forwarding_bag_dispatched", "forwarding_bag", bag.id, actor=actor, at=now,
           details={"number": bag.number, "office": office.code,
                    "department": bag.department.code,
                    "after": {"status": bag.status, "items": [i.number for i in bag.items]}})
    return bag


def _received_time(bag: Bag, received_at: datetime | None, now: datetime) -> datetime:
    when = received_at or now
    if when > now + CLOCK_SKEW:
        raise _bad("received_at", _("The time of receipt cannot be in the future."))
    if when < bag.dispatched_at:
        raise _bad("received_at", _("The time of receipt is before the bag was sent (%(when)s).",
                                    when=format_datetime_ja(bag.dispatched_at)))
    return when


def _extras(bag: Bag, listed: set[str], present: set[str], extra: Iterable[str]) -> list[str]:
    numbers = [n for n in present if n not in listed]
    numbers += [n for n in (normalize_number(x) for x in extra) if n and n not in listed]
    numbers = list(dict.fromkeys(numbers))
    if any(len(n) > NUMBER_MAX for n in numbers):
        raise _bad("extra", _("Enter at most %(max)d characters.", max=NUMBER_MAX))
    return numbers


@stale_is_conflict
def receive_bag(actor: User, bag: Bag, present: Iterable[str], extra: Iterable[str] = (),
                received_at: datetime | None = None, now: datetime | None = None) -> Bag:
    """Tick each listed item present or missing; missing or extra items are escalated."""
    now = now or utcnow()
    check_department(actor, bag.department)
    if bag.status != "in_transit":
        raise Conflict(_("Bag %(number)s was already received on %(when)s.", number=bag.number,
                         when=format_datetime_ja(bag.received_at or now)))
    when = _received_time(bag, received_at, now)
    ticked = {normalize_number(n) for n in present if normalize_number(n)}
    listed = {item.number: item for item in bag.items if item.listed}
    extras = _extras(bag, set(listed), ticked, extra)
    receipts: dict[int, tuple[Receipt, list[BagItem]]] = {}
    for number, item in listed.items():
        item.present = number in ticked
        receipt = item.line.receipt
        receipts.setdefault(receipt.id, (receipt, []))[1].append(item)
    for number in extras:
        line = db.session.scalar(select(ReceiptLine).where(ReceiptLine.number == number))
        bag.items.append(BagItem(number=number, line=line, listed=False, present=True))
    for receipt, items in receipts.values():
        _receive_receipt(actor, receipt, items, when, now)
    missing = [n for n, item in listed.items() if not item.present]
    bag.status = "discrepancy" if missing or extras else "received"
    bag.received_at, bag.received_by = when, actor
    db.session.flush()
    record("forwarding_bag_received", "forwarding_bag", bag.id, actor=actor, at=now,
           details={"number": bag.number, "received_at": when.isoformat(),
                    "missing": missing, "extra": extras,
                    "before": {"status": "in_transit"}, "after": {"status": bag.status}})
    return bag


def _receive_receipt(actor: User, receipt: Receipt, items: list[BagItem], when: datetime,
                     now: datetime) -> None:
    touch(receipt, now)
    for item in items:
        if item.present:
            item.line.status, item.line.received_at, item.line.missing = "received", when, False
        else:
            item.line.missing = True
    receipt.received_at, receipt.received_by = when, actor
    received = sum(1 for item in items if item.present)
    complete_step(receipt, ("receive",), {"received_at": when.isoformat(),
                                          "received_count": received,
                                          "missing_count": len(items) - received},
                  actor=actor, now=now,
                  not_waiting=_("Receipt %(number)s is not waiting to be received.",
                                number=receipt.numbers[0]))
    refresh_due(receipt)


@stale_is_conflict
def resolve_bag(actor: User, bag: Bag, note: str, now: datetime | None = None) -> Bag:
    """A supervisor closes a bag's discrepancy with a note of what was found and done."""
    now = now or utcnow()
    check_supervisor(actor, bag.department)
    if not bag.needs_check:
        raise Conflict(_("Bag %(number)s has no open discrepancy.", number=bag.number))
    note = (note or "").strip()
    if not note or len(note) > 500:
        raise _bad("note", _("Describe what was found and done (at most %(max)d characters).",
                             max=500))
    bag.resolution, bag.resolved_at, bag.resolved_by = note, now, actor
    db.session.flush()
    record("forwarding_bag_resolved", "forwarding_bag", bag.id, actor=actor, at=now,
           details={"number": bag.number, "note": note})
    return bag
