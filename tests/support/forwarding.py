"""Fixtures and helpers for the forwarding tests (import the fixtures into a test module)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

# Monday 2026-06-01 10:00 JST: no holidays near it.
T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def fw(app, session, org, make_user):
    """Catalogue, deployed processes and the people of the forwarding scenarios."""
    from webapp import seed_forwarding
    from workflows.forwarding.steps import deploy_process

    seed_forwarding.seed_catalogue()
    deploy_process()
    session.commit()
    people = {
        "daishi": make_user("branch.daishi", roles=["branch_clerk"], office="DAISHI",
                            display_name="大師 花子"),
        "daishi2": make_user("branch.daishi2", roles=["branch_clerk"], office="DAISHI"),
        "tajima": make_user("branch.tajima", roles=["branch_clerk"], office="TAJIMA"),
        "hoken": make_user("ward.hoken", roles=["ward_clerk"], departments=["HOKEN"],
                           display_name="保険 太郎"),
        "kourei": make_user("ward.kourei", roles=["ward_clerk"], departments=["KOUREI"]),
        "sup": make_user("supervisor", roles=["supervisor"],
                         departments=list(org["departments"])),
        "sup_kourei": make_user("sup.kourei", roles=["supervisor"], departments=["KOUREI"]),
        # Supervisors of the branches (係長 at 大師支所 / 田島支所): no departments.
        "sup_daishi": make_user("sup.daishi", roles=["supervisor"], office="DAISHI",
                                display_name="大師 係長"),
        "sup_tajima": make_user("sup.tajima", roles=["supervisor"], office="TAJIMA"),
        "admin": make_user("admin", roles=["admin"]),
    }
    return {"people": people, "offices": org["offices"], "departments": org["departments"]}


def issue(fw, *lines, who="daishi", office="DAISHI", name="川崎 太郎", now=T0, **kw):
    """Issue receipts for lines like ("HK", 2) and commit; returns the Issued result."""
    from webapp.extensions import db
    from workflows.forwarding.issue import LineRequest, Resident, issue_receipts

    requests = [LineRequest(*line) if isinstance(line, tuple) else line
                for line in (lines or (("HK", 2),))]
    issued = issue_receipts(fw["people"][who], fw["offices"][office],
                            Resident(name, kw.pop("kana", "カワサキ タロウ"),
                                     kw.pop("phone", "044-123-4567")),
                            requests, now=now, **kw)
    db.session.commit()
    return issued


def dispatch(fw, receipts, who="daishi", now=T0):
    from webapp.extensions import db
    from workflows.forwarding.bags import dispatch_bag

    bag = dispatch_bag(fw["people"][who], receipts[0].office, receipts, now=now)
    db.session.commit()
    return bag


def count(model) -> int:
    from webapp.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def open_tasks(case) -> list[str]:
    from models.work_item import ACTIVE_STATUSES, WorkItem
    from webapp.extensions import db

    return sorted(db.session.scalars(select(WorkItem.bpmn_id).where(
        WorkItem.case_id == case.id, WorkItem.status.in_(ACTIVE_STATUSES))))


def item(case, bpmn_id):
    from models.work_item import ACTIVE_STATUSES, WorkItem
    from webapp.extensions import db

    return db.session.scalar(select(WorkItem).where(
        WorkItem.case_id == case.id, WorkItem.status.in_(ACTIVE_STATUSES),
        WorkItem.bpmn_id == bpmn_id))
