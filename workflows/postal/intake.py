"""Registering an envelope (郵送受付): the intake number, the deadline judgement, the case.

A new application starts a ``postal_application`` case routed to the procedure's department.
Documents sent back after a correction letter are registered against the same case (given by
``case_id``, its id or number) and complete the step that waits for them, so the case goes
back to review. The intake number is serial per fiscal year (郵R8-00001 from April 1), taken
from a counter row locked in the same transaction, behind a unique constraint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from japan.calendar import fiscal_year, to_jst
from japan.text import search_key
from japan.wareki import fiscal_era_short
from models.audit import record
from models.case import Case
from models.counter import next_value
from models.db import db
from models.postal import PostalEnvelope
from models.user import User
from workflows import cases, params
from workflows.cases import Outcome
from workflows.failures import InvalidInput
from workflows.postal import access, deadline, steps
from workflows.postal.envelope_input import EnvelopeInput, parse


class DuplicateEnvelope(InvalidInput):
    """The same envelope seems to be registered already; the clerk must confirm."""


@dataclass
class Registered:
    envelope: PostalEnvelope
    outcome: Outcome


def intake_number(now: datetime) -> tuple[int, int, str]:
    """Next intake number of the fiscal year: (fy, serial, '郵R8-00012')."""
    today = to_jst(now).date()
    fy = fiscal_year(today)
    serial = next_value(f"postal_intake:{fy}")
    return fy, serial, f"郵{fiscal_era_short(today)}-{serial:05d}"


def _case_for(inp: EnvelopeInput) -> Case | None:
    if inp.case_ref is None:
        return None
    ref = inp.case_ref
    case = db.session.get(Case, params.db_id(ref) or 0) if ref.isdigit() else \
        db.session.scalar(select(Case).where(Case.number == ref))
    bad = None
    if case is None or case.process_id != steps.PROCESS_ID:
        bad = _("There is no postal case %(ref)s.", ref=ref)
    elif case.procedure_code != inp.procedure.code:
        bad = _("Case %(ref)s is for another procedure.", ref=case.number)
    else:
        item = steps.open_step(case)
        if item is None or item.bpmn_id not in (steps.AWAIT, steps.REMIND):
            bad = _("Case %(ref)s is not waiting for documents (%(state)s).", ref=case.number,
                    state=steps.status_ja(case))
    if bad:
        raise InvalidInput(_("The input has errors."), {"case_id": [bad]})
    return case


def _check_duplicate(inp: EnvelopeInput, key: str) -> str | None:
    day = timedelta(days=1)
    earlier = db.session.scalar(select(PostalEnvelope).where(
        PostalEnvelope.procedure_id == inp.procedure.id, PostalEnvelope.sender_key == key,
        PostalEnvelope.arrival_date.between(inp.arrival_date - day, inp.arrival_date + day))
        .order_by(PostalEnvelope.id).limit(1))
    if earlier is None:
        return None
    if not inp.confirm_duplicate:
        raise DuplicateEnvelope(_("This envelope may already be registered."), {
            "confirm_duplicate": [_(
                "%(number)s has the same sender and procedure and arrived on %(day)s. If this "
                "is another envelope, tick “Register anyway” and register again.",
                number=earlier.intake_number, day=earlier.arrival_date.isoformat())]})
    return earlier.intake_number


def register_envelope(actor: User, raw: dict, now: datetime) -> Registered:
    """Register one envelope; start its case or send the case back to review."""
    inp = parse(raw, to_jst(now).date())
    department = inp.procedure.department
    access.check_register(actor, department)
    case = _case_for(inp)
    if case is not None:  # documents sent back go to the department that asked for them
        access.check_department(actor, case)
    key = search_key(inp.sender_name)[:100]
    duplicate_of = _check_duplicate(inp, key)
    nominal = deadline.nominal_deadline(inp.terms.deadline_days, inp.event_date, inp.deadline)
    judged = deadline.judge(inp.terms.deadline_rule, nominal if case is None else None,
                            postmark=inp.postmark_date, arrival=inp.arrival_date)
    fy, serial, number = intake_number(now)
    envelope = PostalEnvelope(
        fiscal_year=fy, serial=serial, intake_number=number,
        kind="new" if case is None else "correction", case_id=case.id if case else None,
        procedure_id=inp.procedure.id, department_id=department.id,
        arrival_date=inp.arrival_date, postmark_date=inp.postmark_date,
        sender_name=inp.sender_name, sender_key=key, sender_postal_code=inp.postal_code,
        sender_address=inp.address, enclosures=inp.enclosures, money_orders=inp.money_orders,
        money_order_total=sum(m["amount"] for m in inp.money_orders),
        return_envelope=inp.return_envelope, event_date=inp.event_date,
        deadline=judged.deadline, deadline_rule=inp.terms.deadline_rule,
        late_days=judged.late_days, judgement=deadline.describe(judged), remarks=inp.remarks,
        duplicate_of=duplicate_of, registered_by_id=actor.id, registered_at=now)
    db.session.add(envelope)
    db.session.flush()
    outcome = _start(envelope, inp, actor, now) if case is None else \
        _received(envelope, case, actor, now)
    envelope.case_id = outcome.case.id
    _audit(envelope, outcome.case, actor, now)
    return Registered(envelope, outcome)


def _start(envelope: PostalEnvelope, inp: EnvelopeInput, actor: User, now: datetime) -> Outcome:
    terms = inp.terms
    data = {"envelope_id": envelope.id, "intake_number": envelope.intake_number,
            "procedure_code": inp.procedure.code, "reminder_days": terms.reminder_days,
            "withdraw_days": terms.withdraw_days, "late": envelope.late,
            "late_days": envelope.late_days, "deadline_rule": terms.deadline_rule,
            "judgement": envelope.judgement, "fee": terms.fee,
            "money_order_total": envelope.money_order_total}
    return cases.start_case(steps.PROCESS_ID, data, actor=actor, channel="postal",
                            department=inp.procedure.department,
                            procedure_code=inp.procedure.code, subject_name=envelope.sender_name,
                            reference=envelope.intake_number, now=now)


def _received(envelope: PostalEnvelope, case: Case, actor: User, now: datetime) -> Outcome:
    return steps.complete(case, (steps.AWAIT, steps.REMIND),
                          {"action": "received", "envelope_id": envelope.id}, actor=actor,
                          now=now, not_waiting=_("This case is not waiting for documents."))


def _audit(envelope: PostalEnvelope, case: Case, actor: User, now: datetime) -> None:
    details = {"intake_number": envelope.intake_number, "kind": envelope.kind,
               "procedure": envelope.procedure.code, "sender": envelope.sender_name,
               "arrival_date": envelope.arrival_date.isoformat(),
               "postmark_date": envelope.postmark_date.isoformat()
               if envelope.postmark_date else None,
               "enclosures": envelope.enclosures, "money_orders": envelope.money_orders,
               "return_envelope": envelope.return_envelope, "judgement": envelope.judgement,
               "duplicate_of": envelope.duplicate_of}
    record("postal_envelope_registered", "postal_envelope", envelope.id, actor=actor, at=now,
           details=details)
    record("postal_envelope_registered", "case", envelope.case_id, actor=actor, at=now,
           details={"number": case.number, **details})
