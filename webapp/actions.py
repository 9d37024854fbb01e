"""One operation per form post, committed at the edge; the outcome becomes a flash message."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash

from webapp.extensions import db
from workflows.failures import InvalidInput, OperationError


def commit_or_flash(operation: Callable[[], object], success: str) -> bool:
    """Run operation and commit; on bad input or a refusal roll back and say why (False)."""
    try:
        operation()
        db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        flash("　".join(m for msgs in exc.errors.values() for m in msgs) or exc.message, "error")
        return False
    except OperationError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return False
    flash(success, "success")
    return True
