"""Helpers shared by the forwarding views: loading with access checks, PDFs, flashing errors."""

from __future__ import annotations

from io import BytesIO

from flask import abort, flash, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from models.bag import Bag
from models.receipt import Receipt
from reports.pdf import FontMissingError
from webapp.errors import abort_with
from webapp.extensions import db
from workflows import params
from workflows.failures import InvalidInput, OperationError
from workflows.forwarding import access


def _load_visible(model, object_id: int, visible):
    """The row, or 404 alike when it does not exist or the current user may not see it."""
    found = db.session.get(model, object_id)
    if found is None or not visible(current_user, found):
        abort(404)
    return found


def load_receipt(receipt_id: int) -> Receipt:
    return _load_visible(Receipt, receipt_id, access.can_view_receipt)


def load_bag(bag_id: int) -> Bag:
    return _load_visible(Bag, bag_id, access.can_view_bag)


def flash_failure(exc: OperationError, form=None) -> None:
    """Roll back, then show the refusal: field errors on the form, the rest as a flash."""
    db.session.rollback()
    if isinstance(exc, InvalidInput):
        unplaced = []
        for name, messages in exc.errors.items():
            if form is not None and name in form:
                form[name].errors = list(form[name].errors) + list(messages)
            else:
                unplaced.extend(messages)
        flash("　".join([exc.message, *unplaced]) if unplaced else exc.message, "error")
    else:
        flash(exc.message, "error")


def pdf_response(render, filename: str):
    """Send a freshly rendered PDF inline; a missing Japanese font is a clear 503."""
    try:
        data = render()
    except FontMissingError as exc:
        abort_with(503, str(exc))
    return send_file(BytesIO(data), mimetype="application/pdf", download_name=filename,
                     as_attachment=False, max_age=0)


def case_url(receipt: Receipt) -> str:
    """Where the receipt's QR code leads: the case page at the ward office."""
    if receipt.case is None:
        return url_for("forwarding.receipt", receipt_id=receipt.id, _external=True)
    return url_for("cases.case", number=receipt.case.number, _external=True)


def selected_ids(form: MultiDict, name: str = "receipt") -> list[int]:
    return [i for v in form.getlist(name) if (i := params.db_id(v))]


def receipts_by_ids(ids: list[int]) -> list[Receipt]:
    """The chosen receipts the user may see (the others are left out as if they did not
    exist, so posted ids tell nothing about other offices); the operation checks who may act
    on each."""
    if not ids:
        return []
    return [r for r in db.session.scalars(select(Receipt).where(Receipt.id.in_(ids))
                                          .order_by(Receipt.id))
            if access.can_view_receipt(current_user, r)]
