"""Reading an envelope registration (screen or API) into checked values, or per-field errors.

Every problem is collected with its field (``sender.name``, ``money_orders[1].amount`` …) and a
Japanese message; nothing is written until all of them are gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext as _

from japan.text import normalize_digits, normalize_name
from models.postal import PostalTerms
from models.procedure import Procedure
from workflows import params
from workflows.failures import InvalidInput
from workflows.postal import catalogue, postcode

# 定額小為替 are issued in twelve denominations only.
MONEY_ORDER_AMOUNTS = (50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 750, 1000)
MAX_MONEY_ORDERS = 50
MAX_ENCLOSURES = 40


@dataclass
class EnvelopeInput:
    procedure: Procedure
    terms: PostalTerms
    arrival_date: date
    postmark_date: date | None
    sender_name: str
    postal_code: str
    address: str
    enclosures: list[str]
    money_orders: list[dict]
    return_envelope: bool
    event_date: date | None = None
    deadline: date | None = None
    remarks: str = ""
    case_ref: str | None = None  # case id or number of an earlier envelope of the same case
    confirm_duplicate: bool = False
    notes: list[str] = field(default_factory=list)


def _sender(raw: Any, errors: dict) -> tuple[str, str, str]:
    sender = raw if isinstance(raw, dict) else {}
    name = normalize_name(str(sender.get("name") or ""))
    if not name or len(name) > 100:
        errors["sender.name"] = [_("Enter the sender's name (at most 100 characters).")]
    code_text = str(sender.get("postal_code") or "")
    address = normalize_name(str(sender.get("address") or ""))[:201]
    code = postcode.normalize(code_text) if code_text.strip() else ""
    if code is None:
        errors["sender.postal_code"] = [_("Enter the postal code as 7 digits, e.g. 210-0001.")]
    elif code:
        found = postcode.lookup(code)
        if found is None:
            errors["sender.postal_code"] = [_("There is no postal code %(code)s. Check the "
                                              "number on the envelope.", code=code)]
        elif not address:
            address = found
    if not address or len(address) > 200:
        errors["sender.address"] = [_("Enter the sender's address (at most 200 characters), "
                                      "or a postal code to fill it in.")]
    return name, code or "", address


def _money_orders(raw: Any, terms: PostalTerms | None, errors: dict) -> list[dict]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_MONEY_ORDERS:
        errors["money_orders"] = [_("Give at most %(n)d money orders as a list.",
                                    n=MAX_MONEY_ORDERS)]
        return []
    out = []
    for i, item in enumerate(raw):
        item = item if isinstance(item, dict) else {}
        number = normalize_digits(str(item.get("number") or ""))[:20]
        try:
            amount = int(normalize_digits(str(item.get("amount"))))
        except ValueError:
            amount = None
        if not number:
            errors[f"money_orders[{i}].number"] = [_("Enter the money order's number.")]
        if amount is None:
            errors[f"money_orders[{i}].amount"] = [_("Enter the amount in yen.")]
        elif amount <= 0:
            errors[f"money_orders[{i}].amount"] = [_("A money order's amount must be more "
                                                     "than 0 yen.")]
        elif amount not in MONEY_ORDER_AMOUNTS:
            errors[f"money_orders[{i}].amount"] = [_("%(amount)d yen is not a money-order "
                                                     "denomination.", amount=amount)]
        out.append({"number": number, "amount": amount})
    numbers = [m["number"] for m in out if m["number"]]
    if len(set(numbers)) != len(numbers):
        errors["money_orders"] = [_("The same money-order number is given twice.")]
    if out and terms is not None and not terms.money_order_accepted:
        errors["money_orders"] = [_("This procedure takes no fee: money orders are not "
                                    "accepted. Return them to the sender.")]
    return out


def _enclosures(raw: Any, terms: PostalTerms | None, errors: dict) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_ENCLOSURES \
            or not all(isinstance(x, str) for x in raw):
        errors["enclosures"] = [_("Give the enclosures as a list of names.")]
        return []
    known = list(terms.enclosures or []) if terms else []
    unknown = [x for x in raw if x not in known]
    if terms is not None and unknown:
        errors["enclosures"] = [_("Not on this procedure's checklist: %(items)s",
                                  items="、".join(unknown))]
    return [x for x in known if x in raw]


def _order(arrival: date | None, postmark: date | None, today: date, errors: dict) -> None:
    if arrival and arrival > today:
        errors["arrival_date"] = [_("The arrival date is in the future.")]
    if arrival and postmark and postmark > arrival:
        errors["postmark_date"] = [_("The postmark date is after the arrival date.")]


def parse(raw: Any, today: date) -> EnvelopeInput:
    """Check a registration (JSON-like dict); InvalidInput names every bad field."""
    if not isinstance(raw, dict):
        raise InvalidInput(_("The input has errors."), {"body": [_("Send a JSON object.")]})
    errors: dict[str, list[str]] = {}
    found = catalogue.by_code(raw["procedure_code"]) \
        if isinstance(raw.get("procedure_code"), str) else None
    if found is None:
        errors["procedure_code"] = [_("Unknown procedure: choose one accepted by post.")]
    procedure, terms = found or (None, None)
    arrival = params.date_field(raw.get("arrival_date"), "arrival_date", errors, required=True)
    postmark = params.date_field(raw.get("postmark_date"), "postmark_date", errors)
    _order(arrival, postmark, today, errors)
    name, code, address = _sender(raw.get("sender"), errors)
    orders = _money_orders(raw.get("money_orders"), terms, errors)
    enclosures = _enclosures(raw.get("enclosures"), terms, errors)
    event = params.date_field(raw.get("event_date"), "event_date", errors)
    deadline = params.date_field(raw.get("deadline"), "deadline", errors)
    remarks = str(raw.get("remarks") or "").strip()
    if len(remarks) > 1000:
        errors["remarks"] = [_("Enter at most %(max)d characters.", max=1000)]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    case_ref = raw.get("case_id")
    return EnvelopeInput(
        procedure, terms, arrival, postmark, name, code, address, enclosures, orders,
        raw.get("return_envelope") in (True, "y", "on", "1", "true"), event, deadline, remarks,
        str(case_ref).strip() if case_ref not in (None, "") else None,
        raw.get("confirm_duplicate") in (True, "y", "on", "1", "true"))
