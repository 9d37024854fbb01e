"""Receipt numbers: serial per (branch, document type, fiscal year), gap-free and unique.

Default format ``{branch}-{era_fy}-{type}-{serial:05d}`` gives ``大師-R7-HK-00012``. The format is
configurable with ``FORWARDING_RECEIPT_FORMAT`` (app config) or the environment variable
``MADOGUCHI_RECEIPT_FORMAT``; it must contain ``{serial``, ``{type}`` and a fiscal year
(``{era_fy}`` or ``{fy}``) so that numbers stay unique. Other fields: ``{branch_code}``.
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from datetime import date

from flask import current_app, has_app_context
from flask_babel import gettext as _

from japan.calendar import fiscal_year
from japan.wareki import fiscal_era_short
from models.counter import next_value
from models.document_type import DocumentType
from models.office import Office

DEFAULT_FORMAT = "{branch}-{era_fy}-{type}-{serial:05d}"
FIELDS = frozenset({"branch", "branch_code", "era_fy", "fy", "type", "serial"})
MAX_LENGTH = 40


class NumberFormatError(ValueError):
    """The configured receipt number format cannot give unique numbers."""


@dataclass(frozen=True)
class IssuedNumber:
    fiscal_year: int
    serial: int
    number: str


def receipt_format() -> str:
    """The configured format (app config, then environment, then the default)."""
    configured = current_app.config.get("FORWARDING_RECEIPT_FORMAT") if has_app_context() \
        else None
    return configured or os.environ.get("MADOGUCHI_RECEIPT_FORMAT") or DEFAULT_FORMAT


def check_format(fmt: str) -> None:
    """Raise NumberFormatError unless fmt names only known fields and enough of them."""
    try:
        names = {name for _text, name, _spec, _conv in string.Formatter().parse(fmt) if name}
    except ValueError as exc:
        raise NumberFormatError(str(exc)) from exc
    unknown = names - FIELDS
    if unknown:
        raise NumberFormatError(_("Unknown field in the receipt number format: %(names)s",
                                  names=", ".join(sorted(unknown))))
    if not {"serial", "type"} <= names or not names & {"era_fy", "fy"}:
        raise NumberFormatError(_("The receipt number format must contain {serial}, {type} "
                                  "and {era_fy} or {fy}."))


def format_number(fmt: str, *, office: Office, type_code: str, day: date, serial: int) -> str:
    """Render one receipt number; day decides the fiscal year and its era."""
    check_format(fmt)
    number = fmt.format(branch=office.short_name, branch_code=office.code,
                        era_fy=fiscal_era_short(day), fy=fiscal_year(day), type=type_code,
                        serial=serial)
    if len(number) > MAX_LENGTH:
        raise NumberFormatError(_("Receipt numbers may be at most %(max)d characters long.",
                                  max=MAX_LENGTH))
    return number


def counter_name(office: Office, doc_type: DocumentType, fy: int) -> str:
    """The counter row of one (branch, document type, fiscal year)."""
    return f"receipt:{office.code}:{doc_type.code}:{fy}"


def next_receipt_number(office: Office, doc_type: DocumentType, day: date) -> IssuedNumber:
    """Take the next serial (locks the counter row until the caller's transaction ends)."""
    fy = fiscal_year(day)
    serial = next_value(counter_name(office, doc_type, fy))
    number = format_number(receipt_format(), office=office, type_code=doc_type.code, day=day,
                           serial=serial)
    return IssuedNumber(fy, serial, number)
