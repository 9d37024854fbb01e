"""Task forms whose step must be done from a feature's own screens, never the generic task page.

A feature's operation (forwarding, online applications, postal) changes its own records and
the case together, then completes the task inside ``screens.active()``; the same form used
from the generic task page or ``/api/v1/tasks/<id>/complete`` fails validation with a message
naming the right screen, so the feature's registers never fall out of step with the case.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from wtforms.validators import ValidationError


class OnlyViaScreens:
    """A WTForms validator that passes only inside ``active()`` (one per feature)."""

    def __init__(self, name: str, message) -> None:
        self._inside: ContextVar[bool] = ContextVar(name, default=False)
        self.message = message

    @contextmanager
    def active(self) -> Iterator[None]:
        """Mark task completions made by the feature's operation."""
        token = self._inside.set(True)
        try:
            yield
        finally:
            self._inside.reset(token)

    def __call__(self, form, field) -> None:
        if not self._inside.get():
            raise ValidationError(self.message)
