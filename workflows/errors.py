"""Exceptions raised by the engine core; none of them carries a SpiffWorkflow type."""

from __future__ import annotations


class EngineError(Exception):
    """Base class for every error the engine core raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ExpressionError(EngineError):
    """A sandboxed expression or script was refused, failed or ran out of budget."""

    def __init__(self, message: str, element_id: str | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id


class StepError(EngineError):
    """An engine step failed; the Run that raised it must be discarded and reloaded."""

    def __init__(self, element_id: str | None, message: str, trace: str = "") -> None:
        super().__init__(message)
        self.element_id = element_id
        self.trace = trace

    def __reduce__(self) -> tuple[type[StepError], tuple[str | None, str, str]]:
        return (StepError, (self.element_id, self.message, self.trace))


class TaskNotReadyError(EngineError):
    """The task id is unknown, not a user task, or not ready to be completed."""


class RunUnusableError(EngineError):
    """The Run failed earlier (StepError) and has to be restored from the saved state."""


class BundleError(EngineError):
    """The process files could not be turned into a runnable bundle."""

    def __init__(self, message: str, element_id: str | None = None,
                 file: str | None = None) -> None:
        super().__init__(message)
        self.element_id = element_id
        self.file = file


class StateError(EngineError):
    """A saved state does not belong to the bundle it is restored with, or is malformed."""
