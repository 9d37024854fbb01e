"""Counters: gap-free numbers (cases, receipts, intake) and reserved blocks (applications).

``next_value`` increments the counter row with a single UPDATE … RETURNING inside the caller's
transaction: concurrent callers queue on the row (PostgreSQL row lock, SQLite write lock), a
rolled-back transaction gives its number back, and a committed number is never issued twice.

``reserve`` advances a counter by a whole block in a short transaction of its own, for numbers
that must be unique but need not be gap-free: the caller hands them out without holding the
row (or SQLite's write lock) until its own commit, and a number is never handed out twice.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Model
from models.db import db
from models.prepared import Prepared


class Counter(Model):
    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


_TABLE = Counter.__table__
_INCREMENT = Prepared(_TABLE.update().where(_TABLE.c.name == bindparam("counter"))
                      .values(value=_TABLE.c.value + 1).returning(_TABLE.c.value))
_ADVANCE = (_TABLE.update().where(_TABLE.c.name == bindparam("counter"))
            .values(value=_TABLE.c.value + bindparam("size")).returning(_TABLE.c.value))


def next_value(name: str) -> int:
    """Take the next number of the named counter (1, 2, 3, … with no gaps once committed)."""
    connection = db.session.connection()
    value = _INCREMENT.execute(connection, {"counter": name}).scalar()
    if value is None:
        _create(connection, name)
        value = _INCREMENT.execute(connection, {"counter": name}).scalar()
    return int(value)


def reserve(name: str, size: int) -> int:
    """Advance the named counter by size in a transaction of its own; the block's first number.

    Never call it while the session holds SQLite's write lock (it would wait for itself).
    """
    with db.engine.begin() as connection:
        value = connection.execute(_ADVANCE, {"counter": name, "size": size}).scalar()
        if value is None:
            _create(connection, name)
            value = connection.execute(_ADVANCE, {"counter": name, "size": size}).scalar()
    return int(value) - size + 1


def peek(name: str) -> int:
    """The last number issued by the named counter (0 when none)."""
    return db.session.scalar(select(Counter.value).where(Counter.name == name)) or 0


def _create(connection: Connection, name: str) -> None:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        stmt = pg_insert(Counter).values(name=name, value=0).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite_insert(Counter).values(name=name, value=0).on_conflict_do_nothing()
    else:  # pragma: no cover - only the two supported backends
        stmt = insert(Counter).values(name=name, value=0)
    connection.execute(stmt)
