"""Queue search: by case, application or receipt number, or by the applicant's name.

Numbers match exactly (after width normalisation): the case number (R8-000123, or just its
serial 123), `Case.reference` (an application number, or the first custody receipt number of
a forwarding case), and whatever the lookups registered with `register_number_lookup` find.
Names match `Case.subject_key` (the name as japan.text.search_key gives it) or
`Case.subject_kana` (its reading, the resident's or applicant's フリガナ, the same way), so
width, hiragana or katakana and spaces do not matter: 「かわさき たろう」 finds 川崎 太郎
when his reading カワサキ タロウ was given.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, Select, false, or_, select

from japan.text import normalize_digits, normalize_name, search_key
from models.case import Case

# Each lookup turns a normalised number into a SELECT of case ids (or None: not its format).
NumberLookup = Callable[[str], Select | None]
_NUMBER_LOOKUPS: list[NumberLookup] = []


def register_number_lookup(lookup: NumberLookup) -> NumberLookup:
    """Let another feature (forwarding receipts, portal applications) find cases by number."""
    if lookup not in _NUMBER_LOOKUPS:
        _NUMBER_LOOKUPS.append(lookup)
    return lookup


def normalize_number(text: str) -> str:
    """Half-width digits, ASCII hyphens, no spaces, upper case: ｒ８－０００１２３ → R8-000123."""
    return normalize_digits(normalize_name(text)).replace(" ", "").upper()


@register_number_lookup
def _forwarding_receipt_lines(number: str) -> Select | None:
    """Every custody receipt line number (大師-R8-HK-00001), not only the case's first one."""
    if number.count("-") < 3:
        return None
    from models.receipt import Receipt, ReceiptLine

    return (select(Receipt.case_id).join(ReceiptLine, ReceiptLine.receipt_id == Receipt.id)
            .where(ReceiptLine.number == number))


def number_clause(text: str) -> ColumnElement[bool]:
    number = normalize_number(text)
    if not number:
        return false()
    parts: list[ColumnElement[bool]] = [Case.number == number, Case.reference == number]
    if number.isascii() and number.isdigit() and len(number) <= 6:
        parts.append(Case.number.like(f"%-{int(number):06d}"))
    for lookup in _NUMBER_LOOKUPS:
        found = lookup(number)
        if found is not None:
            parts.append(Case.id.in_(found))
    return or_(*parts)


def name_clause(text: str) -> ColumnElement[bool]:
    key = search_key(text)
    if not key:
        return false()
    return or_(Case.subject_key.contains(key, autoescape=True),
               Case.subject_kana.contains(key, autoescape=True))


def search_clause(text: str) -> ColumnElement[bool]:
    """Cases whose number, reference or applicant name matches what was typed."""
    return or_(number_clause(text), name_clause(text))
