"""Append-only audit trail: who, when, what, before/after."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, bindparam, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import JsonType, Model, UTCDateTime, utcnow
from models.db import db
from models.prepared import Prepared


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id", "id"),
        Index("ix_audit_event_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # Denormalised so the trail still says who even after a rename.
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(60), default="")
    details: Mapped[dict] = mapped_column(JsonType, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))


_INSERT = Prepared(AuditEvent.__table__.insert().values(
    {c.key: bindparam(c.key) for c in AuditEvent.__table__.c if c.key != "id"}))


def record(action: str, obj_type: str, obj_id, *, actor=None, actor_name: str | None = None,
           details: dict | None = None, ip: str | None = None, at: datetime | None = None
           ) -> None:
    """Append one audit event to the current transaction (the caller commits).

    A plain INSERT rather than an ORM object: events are never read back in the same
    transaction's unit of work, and this keeps each workflow step's flush small.
    """
    # Through the connection: no autoflush of pending ORM changes, same transaction.
    _INSERT.send(db.session.connection(), {
        "action": action,
        "object_type": obj_type,
        "object_id": "" if obj_id is None else str(obj_id),
        "actor_id": getattr(actor, "id", None),
        "actor_name": (actor_name or getattr(actor, "username", "") or "system")[:80],
        "details": details or {},
        "ip": ip,
        "at": at or utcnow(),
    })


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise PermissionError("audit events are append-only")


def search(*, action: str = "", actor: str = "", object_type: str = "", object_id: str = "",
           since: datetime | None = None, until: datetime | None = None, page: int = 1,
           per_page: int = 50):
    """A page of audit events, newest first, matching the filters."""
    from sqlalchemy import select

    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor_name == actor)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id:
        query = query.where(AuditEvent.object_id == object_id)
    if since:
        query = query.where(AuditEvent.at >= since)
    if until:
        query = query.where(AuditEvent.at < until)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def known_actions() -> list[str]:
    """Distinct action names, for the filter drop-down."""
    from sqlalchemy import select

    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(
        AuditEvent.action)))
