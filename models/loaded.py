"""ORM objects for rows read or written with Core statements, persistent without another query.

The hot paths (bearer-token lookup, the intake API) read and insert rows with one precompiled
Core statement each, then hand the rest of the code ordinary ORM objects: relationships and
attributes that were not given load lazily as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from models.db import db

T = TypeVar("T")


def persistent(obj: T) -> T:
    """Take obj's attribute values as its stored row and add it to the session, clean."""
    make_transient_to_detached(obj)
    db.session.add(obj)
    return obj


def build(cls: type[T], values: Mapping[str, Any]) -> T:
    """An unattached instance holding values (column keys), without attribute events."""
    obj = inspect(cls).class_manager.new_instance()
    inspect(obj).dict.update(values)
    return obj


def from_row(cls: type[T], values: Mapping[str, Any]) -> T:
    """The session's object with this primary key, or a persistent one built from values."""
    found = db.session.identity_map.get(identity_key(cls, values["id"]))
    return found if found is not None else persistent(build(cls, values))


def inserted(obj: T) -> T:
    """persistent() for a row this transaction just INSERTed (its id set from RETURNING).

    The session may still hold an object under the same key from a rolled-back transaction
    (SQLite hands a rolled-back rowid out again); that object is stale, so it is dropped.
    """
    stale = db.session.identity_map.get(identity_key(type(obj), inspect(obj).dict["id"]))
    if stale is not None and stale is not obj:
        db.session.expunge(stale)
    return persistent(obj)
