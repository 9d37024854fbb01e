"""Hot-path statements of a workflow step, compiled once per dialect and run by the driver.

A Core ``execute()`` of an already cached statement still spends ~100 µs in SQLAlchemy
(cache key, execution context, result set-up). The few statements every task completion
issues are fixed, so they are compiled once and handed to ``exec_driver_sql`` with their
parameters converted by the column types' own bind processors (UTC datetimes, JSON). They
run on the session's connection, inside the caller's transaction, like any other statement.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, CursorResult
from sqlalchemy.sql import ClauseElement

_GIVEN = object()  # marks a parameter the caller passes (the others are bound in the SQL)


@dataclass(frozen=True)
class _Form:
    sql: str
    positional: bool
    params: tuple[tuple[str, Callable[[Any], Any] | None, Any], ...]  # name, processor, value


class Prepared:
    """A Core statement prepared per dialect; every bindparam without a value must be given.

    Build INSERTs with explicit ``.values(column=bindparam(...))`` so the column list is fixed.
    """

    def __init__(self, statement: ClauseElement) -> None:
        self._statement = statement
        self._forms: dict[str, _Form] = {}
        self._lock = threading.Lock()

    def _form(self, connection: Connection) -> _Form:
        dialect = connection.dialect
        form = self._forms.get(dialect.name)
        if form is None:
            compiled = self._statement.compile(dialect=dialect)
            binds = {name: bind for bind, name in compiled.bind_names.items()}
            names = compiled.positiontup if compiled.positional else tuple(binds)
            params = tuple(
                (name, binds[name].type.dialect_impl(dialect).bind_processor(dialect),
                 _GIVEN if binds[name].required else binds[name].value)
                for name in names)
            form = _Form(compiled.string, compiled.positional, params)
            with self._lock:
                form = self._forms.setdefault(dialect.name, form)
        return form

    def execute(self, connection: Connection, params: dict[str, Any]) -> CursorResult:
        """Run the statement with params (by bind name) on the connection."""
        form = self._form(connection)
        values = []
        for name, processor, bound in form.params:
            value = params[name] if bound is _GIVEN else bound
            values.append(value if processor is None else processor(value))
        if form.positional:
            return connection.exec_driver_sql(form.sql, tuple(values))
        return connection.exec_driver_sql(
            form.sql, dict(zip((p[0] for p in form.params), values, strict=True)))
