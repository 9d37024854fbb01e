"""Hot-path statements, compiled once per dialect and run by the driver.

A Core ``execute()`` of an already cached statement still spends ~100 µs in SQLAlchemy
(cache key, execution context, result set-up), ``exec_driver_sql`` about 60 µs. The statements
every task completion, every intake request and every token check issue are fixed, so they are
compiled once and run on a cursor of the session connection's own DBAPI connection, inside the
caller's transaction like any other statement: parameters converted by the column types' bind
processors (UTC datetimes, JSON), rows of a SELECT by their result processors, and driver
errors raised as SQLAlchemy's (``IntegrityError`` …), as ``execute()`` would. An INSERT whose
answer nobody reads can be ``send()``-ed instead: on PostgreSQL it goes out with the next
statement, in one round trip (models.pipeline).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, NoResultFound
from sqlalchemy.sql import ClauseElement

from models import pipeline

_GIVEN = object()  # marks a parameter the caller passes (the others are bound in the SQL)


@dataclass(frozen=True)
class Result:
    """The rows and row count of a prepared statement, read like SQLAlchemy's results."""

    rows: list[tuple]
    rowcount: int

    def fetchall(self) -> list[tuple]:
        return self.rows

    def first(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def scalar_one(self) -> Any:
        if len(self.rows) != 1:
            raise NoResultFound("expected exactly one row")
        return self.rows[0][0]


@dataclass(frozen=True)
class _Form:
    sql: str
    positional: bool
    params: tuple[tuple[str, Callable[[Any], Any] | None, Any], ...]  # name, processor, value
    keys: tuple[str, ...]  # result columns (SELECT … and RETURNING)
    results: tuple[Callable[[Any], Any] | None, ...]  # their result processors


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
            columns = compiled._result_columns
            form = _Form(compiled.string, compiled.positional, params,
                         tuple(column.keyname for column in columns),
                         tuple(column.type._cached_result_processor(dialect, None)
                               for column in columns))
            with self._lock:
                form = self._forms.setdefault(dialect.name, form)
        return form

    def _given(self, form: _Form, params: dict[str, Any]) -> tuple | dict:
        values = []
        for name, processor, bound in form.params:
            value = params[name] if bound is _GIVEN else bound
            values.append(value if processor is None else processor(value))
        return tuple(values) if form.positional else \
            dict(zip((p[0] for p in form.params), values, strict=True))

    def send(self, connection: Connection, params: dict[str, Any]) -> None:
        """Run a statement whose answer nobody reads; on PostgreSQL it waits for the next
        statement and goes with it (models.pipeline), elsewhere it runs at once.

        Its errors (constraints) are raised by that next statement or the commit.
        """
        if not pipeline.installed(connection):
            self.execute(connection, params)
            return
        form = self._form(connection)
        pipeline.wait(connection, form.sql, self._given(form, params))

    def execute(self, connection: Connection, params: dict[str, Any]) -> Result:
        """Run the statement with params (by bind name) on the connection.

        Statements that send() left waiting go first, in the same round trip; their errors are
        raised here.
        """
        form = self._form(connection)
        given = self._given(form, params)
        fairy = connection.connection
        cursor = fairy.driver_connection.cursor()
        try:
            pipeline.send_with(fairy.info, fairy.driver_connection, (cursor, form.sql, given))
            rows = cursor.fetchall() if form.keys else []  # (description costs ~10 µs)
            count = cursor.rowcount  # read before close(), which resets it (psycopg)
        except connection.dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(form.sql, given, exc, connection.dialect.loaded_dbapi.Error,
                                      dialect=connection.dialect) from exc
        finally:
            cursor.close()
        return Result(rows, count)

    def mappings(self, connection: Connection, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Run a SELECT: its rows as dicts by column key, converted by the column types."""
        form = self._form(connection)
        pairs = tuple(zip(form.keys, form.results, strict=True))
        return [{key: value if processor is None else processor(value)
                 for (key, processor), value in zip(pairs, row, strict=True)}
                for row in self.execute(connection, params).fetchall()]

    def first(self, connection: Connection, params: dict[str, Any]) -> dict[str, Any] | None:
        """The first row of mappings(), or None."""
        rows = self.mappings(connection, params)
        return rows[0] if rows else None
