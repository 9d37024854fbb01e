"""Shared helpers for runtime tests: deploy fixtures, start cases, find items."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from models.audit import AuditEvent
from models.work_item import WorkItem

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "bpmn"
T0 = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)  # Monday 09:00 JST


def fixture_files(*names: str) -> dict[str, bytes]:
    return {name: (FIXTURES / name).read_bytes() for name in names}


def deploy(*names: str):
    from webapp.extensions import db
    from workflows import registry

    result = registry.deploy(fixture_files(*names), None)
    db.session.commit()
    return result


def open_item(case, bpmn_id: str | None = None) -> WorkItem:
    from webapp.extensions import db

    query = select(WorkItem).where(WorkItem.case_id == case.id,
                                   WorkItem.status.in_(("open", "claimed")))
    if bpmn_id:
        query = query.where(WorkItem.bpmn_id == bpmn_id)
    items = list(db.session.scalars(query))
    assert len(items) == 1, [i.bpmn_id for i in items]
    return items[0]


def case_actions(case) -> list[str]:
    from webapp.extensions import db

    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "case", AuditEvent.object_id == str(case.id)
    ).order_by(AuditEvent.id)))
