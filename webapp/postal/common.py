"""Helpers of the postal views: loading a case with access checks, the form → body mapping."""

from __future__ import annotations

from flask import abort, flash
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from models.case import Case
from webapp.extensions import db
from workflows import queries
from workflows.failures import InvalidInput, OperationError
from workflows.postal import access
from workflows.postal.steps import PROCESS_ID

MONEY_ORDER_ROWS = 6


def load_case(number: str) -> Case:
    """The postal case, or 404 (also when the user may not see it)."""
    case = queries.case_by_ref(number)
    if case is None or case.process_id != PROCESS_ID or not access.can_view(current_user, case):
        abort(404)
    return case


def body_from_form(form: MultiDict) -> dict:
    """The registration screen's fields in the API's shape (one validation for both)."""
    orders = []
    for i in range(MONEY_ORDER_ROWS):
        number, amount = form.get(f"mo_number_{i}", "").strip(), form.get(f"mo_amount_{i}", "")
        if number or amount.strip():
            orders.append({"number": number, "amount": amount.strip()})
    return {"procedure_code": form.get("procedure_code", ""),
            "arrival_date": form.get("arrival_date", ""),
            "postmark_date": form.get("postmark_date", ""),
            "sender": {"name": form.get("sender_name", ""),
                       "postal_code": form.get("sender_postal_code", ""),
                       "address": form.get("sender_address", "")},
            "enclosures": form.getlist("enclosures"), "money_orders": orders,
            "return_envelope": form.get("return_envelope") == "y",
            "event_date": form.get("event_date", ""), "deadline": form.get("deadline", ""),
            "remarks": form.get("remarks", ""), "case_id": form.get("case_id", "") or None,
            "confirm_duplicate": form.get("confirm_duplicate") == "y"}


def failure(exc: OperationError) -> dict[str, list[str]]:
    """Roll back; field errors for the page (the message as a flash)."""
    db.session.rollback()
    flash(exc.message, "error")
    return dict(exc.errors) if isinstance(exc, InvalidInput) else {}
