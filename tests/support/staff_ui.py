"""Fixtures for the staff work UI tests: people, cases in queues, signed-in browsers.

Bind them in a test module: `staff, as_user = staff_ui.staff, staff_ui.as_user`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import login
from tests.integration.runtime_support import T0, deploy


class Staff:
    """The people of the scenarios and a factory for cases of the correction loop."""

    def __init__(self, org, make_user, session):
        self.org, self.session = org, session
        self.clerk = make_user("ward.h", roles=["ward_clerk"], departments=["HOKEN"],
                               display_name="保険 太郎")
        self.clerk2 = make_user("ward.h2", roles=["ward_clerk"], departments=["HOKEN"],
                                display_name="保険 次郎")
        self.other = make_user("ward.k", roles=["ward_clerk"], departments=["KOUREI"],
                               display_name="高齢 花子")
        self.sup = make_user("sup", roles=["supervisor"], departments=["HOKEN", "KOUREI"],
                             display_name="係長 真理")
        self.sup_k = make_user("sup.k", roles=["supervisor"], departments=["KOUREI"])
        self.branch = make_user("branch.d", roles=["branch_clerk"], office="DAISHI")
        deploy("correction_loop.bpmn")

    def case(self, name: str = "川崎 太郎", *, department: str = "HOKEN", channel="counter",
             days: int = 0, reference: str | None = None, kana: str = ""):
        """A correction-loop case (its first task 審査 is open) started `days` after T0."""
        from workflows import cases

        case = cases.start_case("correction_loop", {}, actor=self.clerk,
                                now=T0 + timedelta(days=days), channel=channel,
                                department=self.org["departments"][department],
                                subject_name=name, subject_kana=kana,
                                reference=reference).case
        self.session.commit()
        return case


@pytest.fixture
def staff(app, org, make_user, session) -> Staff:
    return Staff(org, make_user, session)


@pytest.fixture
def as_user(staff, new_client):
    """Factory: a new browser signed in as username (through the real form)."""
    def signed_in(username):
        client = new_client()
        assert login(client, username).status_code == 302
        return client

    return signed_in
