"""The postal registers as plain rows: 郵送受付簿, 発送簿 and the daily money-order list.

Rows are dicts (reports render them; the API returns them as JSON). What a user sees: admins
everything, the mail room (区民課 ward clerks) every envelope, everyone else their departments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, false, select
from sqlalchemy.orm import joinedload

from models.case import Case
from models.db import db
from models.office import Department
from models.postal import (
    DISPATCH_KIND_LABELS,
    DISPATCH_METHOD_LABELS,
    PostalDispatch,
    PostalEnvelope,
)
from models.procedure import Procedure
from models.user import User
from workflows.postal import access
from workflows.postal.steps import OUTCOME_LABELS_JA, status_ja

RULE_JA = {"postmark": "消印有効", "arrival": "必着"}
KIND_JA = {"new": "新規", "correction": "補正"}
DISPATCH_KIND_JA = {"correction": "補正依頼", "reminder": "督促", "result": "結果"}
METHOD_JA = {"ordinary": "普通郵便", "simple_registered": "簡易書留", "recorded": "特定記録",
             "letterpack": "レターパック", "registered": "書留"}
assert set(DISPATCH_KIND_JA) == set(DISPATCH_KIND_LABELS)
assert set(METHOD_JA) == set(DISPATCH_METHOD_LABELS)


@dataclass(frozen=True)
class RegisterFilter:
    department_id: int | None = None
    procedure_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _scope(query: Select, model, user: User) -> Select:
    if user.has_role("admin") or (model is PostalEnvelope and access.is_mail_room(user)):
        return query
    ids = user.department_ids
    return query.where(model.department_id.in_(ids) if ids else false())


def _filtered(query: Select, model, day_column, user: User, f: RegisterFilter) -> Select:
    query = _scope(query, model, user)
    if f.department_id:
        query = query.where(model.department_id == f.department_id)
    if f.procedure_id:
        query = query.where(model.procedure_id == f.procedure_id)
    if f.date_from:
        query = query.where(day_column >= f.date_from)
    if f.date_to:
        query = query.where(day_column <= f.date_to)
    return query.order_by(day_column, model.id)


def envelopes(user: User, f: RegisterFilter, *, limit: int | None = None) -> list[PostalEnvelope]:
    query = select(PostalEnvelope).options(
        joinedload(PostalEnvelope.procedure), joinedload(PostalEnvelope.department),
        joinedload(PostalEnvelope.case))
    query = _filtered(query, PostalEnvelope, PostalEnvelope.arrival_date, user, f)
    return list(db.session.scalars(query.limit(limit) if limit else query))


def intake_rows(user: User, f: RegisterFilter, *, limit: int | None = None) -> list[dict]:
    """郵送受付簿: one line per envelope, in order of arrival."""
    out = []
    for e in envelopes(user, f, limit=limit):
        out.append({
            "intake_number": e.intake_number, "arrival_date": e.arrival_date,
            "postmark_date": e.postmark_date, "kind": KIND_JA[e.kind],
            "department": e.department.name, "procedure": e.procedure.name,
            "sender_name": e.sender_name, "sender_postal_code": e.sender_postal_code,
            "sender_address": e.sender_address, "enclosures": "、".join(e.enclosures or []),
            "money_orders": len(e.money_orders or []), "money_order_total": e.money_order_total,
            "return_envelope": "有" if e.return_envelope else "無",
            "deadline_rule": RULE_JA.get(e.deadline_rule, e.deadline_rule),
            "deadline": e.deadline, "late": "期限後" if e.late else "",
            "case_number": e.case.number if e.case else "", "status": status_ja(e.case),
            "remarks": e.remarks})
    return out


def dispatch_rows(user: User, f: RegisterFilter, *, limit: int | None = None) -> list[dict]:
    """発送簿: one line per letter or result posted, in order of sending."""
    query = select(PostalDispatch, Case.number).join(Case, Case.id == PostalDispatch.case_id) \
        .options(joinedload(PostalDispatch.procedure), joinedload(PostalDispatch.department),
                 joinedload(PostalDispatch.sent_by))
    query = _filtered(query, PostalDispatch, PostalDispatch.sent_on, user, f)
    out = []
    for d, number in db.session.execute(query.limit(limit) if limit else query):
        kind = DISPATCH_KIND_JA[d.kind]
        if d.kind == "result" and d.outcome:
            kind += f"（{OUTCOME_LABELS_JA.get(d.outcome, d.outcome)}）"
        out.append({
            "sent_on": d.sent_on, "kind": kind, "case_number": number,
            "department": d.department.name, "procedure": d.procedure.name,
            "recipient_name": d.recipient_name, "recipient_postal_code": d.recipient_postal_code,
            "recipient_address": d.recipient_address,
            "method": METHOD_JA.get(d.method, d.method), "tracking_number": d.tracking_number,
            "due_date": d.due_date, "sent_by": d.sent_by.display_name if d.sent_by else ""})
    return out


def money_order_rows(user: User, department_id: int, day: date) -> list[dict]:
    """The department's 定額小為替 received on one day, one line per money order."""
    f = RegisterFilter(department_id=department_id, date_from=day, date_to=day)
    out = []
    for e in envelopes(user, f):
        for order in e.money_orders or []:
            out.append({"intake_number": e.intake_number, "sender_name": e.sender_name,
                        "procedure": e.procedure.name, "number": order["number"],
                        "amount": order["amount"]})
    return out


def department_name(department_id: int | None) -> str:
    return db.session.get(Department, department_id).name if department_id else "すべて"


def procedure_name(procedure_id: int | None) -> str:
    return db.session.get(Procedure, procedure_id).name if procedure_id else "すべて"


def conditions(f: RegisterFilter) -> str:
    """The filter in words, printed under a register's title."""
    period = f"{f.date_from or ''}〜{f.date_to or ''}" if f.date_from or f.date_to else "すべて"
    return (f"担当課：{department_name(f.department_id)}　"
            f"手続：{procedure_name(f.procedure_id)}　期間：{period}")
