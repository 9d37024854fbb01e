"""Fixtures and helpers for the postal-application tests (import the fixtures into a module)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

# Monday 2026-06-01 10:00 JST: no holidays near it.
T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)
D0 = date(2026, 6, 1)


@pytest.fixture
def postal(app, session, org, make_user):
    """Postal catalogue, the deployed process and the people of the postal scenarios."""
    from webapp import seed_postal
    from workflows.postal.steps import deploy_process

    seed_postal.seed_catalogue()
    deploy_process()
    session.commit()
    people = {
        "mailroom": make_user("ward.kumin", roles=["ward_clerk"], departments=["KUMIN"],
                              display_name="区民 郵子"),
        "hoken": make_user("ward.hoken", roles=["ward_clerk"], departments=["HOKEN"],
                           display_name="保険 太郎"),
        "hogo": make_user("ward.hogo", roles=["ward_clerk"], departments=["HOGO"]),
        "kourei": make_user("ward.kourei", roles=["ward_clerk"], departments=["KOUREI"]),
        "sup": make_user("supervisor", roles=["supervisor"],
                         departments=list(org["departments"])),
        "admin": make_user("admin", roles=["admin"]),
    }
    return {"people": people, "departments": org["departments"]}


def body(code="POST_NENKIN_MENJO", **changes) -> dict:
    """A valid registration body (API shape) with some keys changed."""
    out = {"procedure_code": code, "arrival_date": "2026-06-01", "postmark_date": "2026-05-29",
           "sender": {"name": "川崎 花子", "postal_code": "〒２１０－０００１", "address": ""},
           "enclosures": [], "money_orders": [], "return_envelope": True}
    out.update(changes)
    return out


def register(postal, who="mailroom", now=T0, **changes):
    """Register an envelope and commit; returns the Registered result."""
    from webapp.extensions import db
    from workflows.postal.intake import register_envelope

    done = register_envelope(postal["people"][who], body(**changes), now)
    db.session.commit()
    return done


def step_of(case) -> str | None:
    from workflows.postal.steps import open_step

    item = open_step(case)
    return item.bpmn_id if item else None
