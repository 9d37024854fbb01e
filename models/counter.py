"""Gap-free counters (case numbers, receipt numbers, intake numbers).

The counter row is incremented with a single UPDATE … RETURNING inside the caller's
transaction: concurrent callers queue on the row (PostgreSQL row lock, SQLite write lock), a
rolled-back transaction gives its number back, and a committed number is never issued twice.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model
from webapp.extensions import db


class Counter(Model):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


_TABLE = Counter.__table__
_INCREMENT = (_TABLE.update().where(_TABLE.c.name == bindparam("counter"))
              .values(value=_TABLE.c.value + 1).returning(_TABLE.c.value))


def next_value(name: str) -> int:
    """Take the next number of the named counter (1, 2, 3, … with no gaps once committed)."""
    connection = db.session.connection()
    value = connection.execute(_INCREMENT, {"counter": name}).scalar()
    if value is None:
        _create(name)
        value = connection.execute(_INCREMENT, {"counter": name}).scalar()
    return int(value)


def peek(name: str) -> int:
    """The last number issued by the named counter (0 when none)."""
    return db.session.scalar(select(Counter.value).where(Counter.name == name)) or 0


def _create(name: str) -> None:
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = pg_insert(Counter).values(name=name, value=0).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(Counter).values(name=name, value=0).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported backends
        stmt = insert(Counter).values(name=name, value=0)
    db.session.connection().execute(stmt)
