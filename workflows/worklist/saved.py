"""Saved queue filters: private to their owner, or shared with one of the owner's departments."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qsl

from flask_babel import gettext as _
from sqlalchemy import or_, select

from models.audit import record
from models.base import utcnow
from models.db import db
from models.saved_filter import QUEUES, SavedFilter
from models.user import User
from workflows.failures import Forbidden, InvalidInput
from workflows.worklist.filters import parse_filter

MAX_NAME = 80
MAX_PER_USER = 100


def visible_filters(user: User) -> list[SavedFilter]:
    """The user's own filters and those shared with their departments, by name."""
    shared = SavedFilter.department_id.in_(user.department_ids) if user.department_ids \
        else None
    mine = SavedFilter.owner_id == user.id
    return list(db.session.scalars(select(SavedFilter).where(
        or_(mine, shared) if shared is not None else mine)
        .order_by(SavedFilter.queue, SavedFilter.name, SavedFilter.id)))


def visible_filter(user: User, filter_id: int) -> SavedFilter | None:
    """A saved filter the user may open (own, or shared with one of their departments)."""
    found = db.session.get(SavedFilter, filter_id)
    if found is None:
        return None
    if found.owner_id == user.id or found.department_id in user.department_ids:
        return found
    return None


def canonical_query(query: str) -> str:
    """The query string as the queue itself would write it (page and unknown values dropped)."""
    args = dict(parse_qsl(query.lstrip("?"), keep_blank_values=False))
    queue_filter, _errors = parse_filter(args)
    return queue_filter.query_string()


def save_filter(actor: User, *, name: str, queue: str, query: str,
                department_id: int | None, now: datetime | None = None) -> SavedFilter:
    """Save the current queue view under a name; audited."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        errors["name"] = [_("Give a name of at most %(max)d characters.", max=MAX_NAME)]
    if queue not in QUEUES:
        errors["queue"] = [_("Choose one of the listed values.")]
    if department_id is not None and department_id not in actor.department_ids:
        errors["department"] = [_("You can only share with your own departments.")]
    count = len([f for f in visible_filters(actor) if f.owner_id == actor.id])
    if count >= MAX_PER_USER:
        errors["name"] = [_("You have too many saved filters; delete some first.")]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    saved = SavedFilter(owner_id=actor.id, name=name, queue=queue,
                        query=canonical_query(query)[:1000], department_id=department_id,
                        created_at=now or utcnow())
    db.session.add(saved)
    db.session.flush()
    record("saved_filter_created", "saved_filter", saved.id, actor=actor, at=saved.created_at,
           details={"name": name, "queue": queue, "query": saved.query,
                    "department": department_id})
    return saved


def delete_filter(actor: User, saved: SavedFilter, now: datetime | None = None) -> None:
    """Only the owner deletes a filter (also a shared one); audited."""
    if saved.owner_id != actor.id:
        raise Forbidden(_("Only the person who saved this filter can delete it."))
    record("saved_filter_deleted", "saved_filter", saved.id, actor=actor, at=now or utcnow(),
           details={"name": saved.name, "queue": saved.queue, "query": saved.query})
    db.session.delete(saved)
    db.session.flush()
