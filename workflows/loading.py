"""Load a work item and its case in one Core SELECT, as ORM objects, without an ORM query.

An ORM query for one row spends most of its time in SQLAlchemy (statement, loading
context, identity bookkeeping): about as long as the whole engine step it precedes. The
work item and its case are read here by one prebuilt Core statement and attached to the
session as if the ORM had loaded them: persistent, every column loaded, relationships lazy.
Objects already in the session are kept (as an ORM query would), so nothing is duplicated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, String, bindparam, select, type_coerce
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from models.case import Case
from models.db import db
from models.loaded import from_row
from models.work_item import WorkItem

_ITEMS, _CASES = WorkItem.__table__, Case.__table__
_ITEM_KEYS = tuple(c.key for c in _ITEMS.c)
_CASE_KEYS = tuple(c.key for c in _CASES.c)
# The case's JSON columns (its saved engine state above all) come back undecoded and are
# decoded only when the case is not in the session already: most steps already hold it.
_CASE_JSON = tuple(c for c in _CASES.c if isinstance(c.type, JSON))
_BY_TASK_ID = (
    select(*(c.label(f"i_{c.key}") for c in _ITEMS.c),
           *((type_coerce(c, String) if c in _CASE_JSON else c).label(f"c_{c.key}")
             for c in _CASES.c))
    .join_from(_ITEMS, _CASES, _ITEMS.c.case_id == _CASES.c.id)
    .where(_ITEMS.c.task_id == bindparam("task_id")))
_decoders: dict[str, tuple[tuple[str, Callable[[Any], Any] | None], ...]] = {}


def _json_decoders(dialect) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    decoders = _decoders.get(dialect.name)
    if decoders is None:
        decoders = _decoders.setdefault(dialect.name, tuple(
            (c.key, c.type.dialect_impl(dialect).result_processor(dialect, None))
            for c in _CASE_JSON))
    return decoders


def work_item_by_task_id(task_id: str) -> WorkItem | None:
    """The work item with this task id, its case loaded alongside (one statement), or None.

    Serves ``queries.work_item_by_task_id``: no ORM query, so pending ORM changes
    are not flushed first.
    """
    connection = db.session.connection()
    row = connection.execute(_BY_TASK_ID, {"task_id": task_id}).first()
    if row is None:
        return None
    values = row._mapping
    case = db.session.identity_map.get(db.session.identity_key(Case, values["i_case_id"]))
    if case is None:
        case_values = {key: values[f"c_{key}"] for key in _CASE_KEYS}
        for key, decode in _json_decoders(connection.dialect):
            if decode is not None:
                case_values[key] = decode(case_values[key])
        case = from_row(Case, case_values)
    item = from_row(WorkItem, {key: values[f"i_{key}"] for key in _ITEM_KEYS})
    if "case" not in instance_state(item).dict:
        # Loaded, as a joined load would: item.case needs no query, and the item keeps its
        # case alive (the session holds clean objects only weakly).
        set_committed_value(item, "case", case)
    return item
