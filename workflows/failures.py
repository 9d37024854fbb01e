"""Why an operation refused: each maps to one HTTP status and carries a user-facing message."""

from __future__ import annotations


class OperationError(Exception):
    """Base class: the operation changed nothing and the caller should roll back."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFound(OperationError):
    status = 404


class Forbidden(OperationError):
    status = 403


class Conflict(OperationError):
    """Someone else got there first, the item is already done, or a version is stale."""

    status = 409


class InvalidInput(OperationError):
    """Per-field validation errors: {field: [messages]}."""

    status = 422

    def __init__(self, message: str, errors: dict[str, list[str]]) -> None:
        super().__init__(message)
        self.errors = errors


class DeployRejected(OperationError):
    """BPMN/DMN files failed validation; problems name the file and element."""

    status = 422

    def __init__(self, message: str, problems: list) -> None:
        super().__init__(message)
        self.problems = problems


def stale_is_conflict(operation):
    """Decorator: a concurrent change detected by a version check becomes a Conflict."""
    from functools import wraps

    from flask_babel import gettext as _
    from sqlalchemy.orm.exc import StaleDataError

    @wraps(operation)
    def wrapped(*args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except StaleDataError as exc:
            raise Conflict(_("Someone else changed this case at the same time. "
                             "Reload it and try again.")) from exc

    return wrapped
