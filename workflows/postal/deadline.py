"""The deadline rule of a postal procedure: 消印有効 (postmark counts) or 必着 (arrival counts).

A deadline that falls on a day the ward office is closed (weekend, national holiday, the
year-end closure) moves to the next business day (地方自治法 第4条の2 第4項). The date that is
compared with it is the postmark date when the postmark counts and one is legible, otherwise
the arrival date; the judgement says in words which rule was applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from japan.calendar import next_business_day
from japan.wareki import format_wareki

_WEEKDAYS = "月火水木金土日"


@dataclass(frozen=True)
class Judgement:
    deadline: date | None  # effective deadline (after any extension); None: no deadline
    nominal: date | None  # the deadline before the extension
    basis: str  # postmark | arrival | arrival_no_postmark | none
    compared: date | None  # the date compared with the deadline
    late_days: int | None  # calendar days late; None when in time

    @property
    def late(self) -> bool:
        return self.late_days is not None

    @property
    def extended(self) -> bool:
        return self.deadline is not None and self.deadline != self.nominal


def day_ja(d: date) -> str:
    """令和8年5月7日（木）."""
    return f"{format_wareki(d)}（{_WEEKDAYS[d.weekday()]}）"


def nominal_deadline(deadline_days: int | None, event_date: date | None,
                     explicit: date | None) -> date | None:
    """The deadline before any holiday extension: an explicit date, else event + days."""
    if explicit is not None:
        return explicit
    if deadline_days is None or event_date is None:
        return None
    return event_date + timedelta(days=deadline_days)


def judge(rule: str, nominal: date | None, *, postmark: date | None,
          arrival: date) -> Judgement:
    """Apply the rule to one envelope."""
    if nominal is None:
        return Judgement(None, None, "none", None, None)
    deadline = next_business_day(nominal)
    if rule == "postmark" and postmark is not None:
        basis, compared = "postmark", postmark
    else:
        basis = "arrival" if rule != "postmark" else "arrival_no_postmark"
        compared = arrival
    late = (compared - deadline).days if compared > deadline else None
    return Judgement(deadline, nominal, basis, compared, late)


_BASIS_JA = {"postmark": "消印有効：消印日", "arrival": "必着（到着日で判定）：到着日",
             "arrival_no_postmark": "消印有効（消印が読めないため到着日で判定）：到着日"}


def describe(j: Judgement) -> str:
    """The judgement in words, as printed on the review task and the register."""
    if j.deadline is None:
        return "提出期限なし"
    text = f"期限 {day_ja(j.deadline)}"
    if j.extended:
        text += f"（本来の期限 {day_ja(j.nominal)} が閉庁日のため翌開庁日に延長）"
    text += f"、{_BASIS_JA[j.basis]} {day_ja(j.compared)}"
    if j.late:
        return f"期限後：{text} — 期限を{j.late_days}日過ぎています"
    return f"期限内：{text}"
