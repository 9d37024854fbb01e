"""Where a task goes: its lane's role decides, unless the task declares madoguchi:route."""

import pytest

from models.case import Case
from models.office import Department
from workflows.routing import Route, route_for, takeable

BRANCH, WARD, DEPARTMENT = 3, 1, 7


@pytest.fixture
def case() -> Case:
    """A case taken in at a branch (office 3) for a department of the ward office (1)."""
    return Case(office_id=BRANCH, department_id=DEPARTMENT,
                department=Department(id=DEPARTMENT, office_id=WARD), data={})


@pytest.mark.parametrize(("role", "route", "expected"), [
    ("branch_clerk", None, Route(BRANCH, None)),
    ("ward_clerk", None, Route(WARD, DEPARTMENT)),
    ("supervisor", None, Route(WARD, DEPARTMENT)),
    ("supervisor", "case_office", Route(BRANCH, None)),  # the branch answers for it
    ("branch_clerk", "department", Route(WARD, DEPARTMENT)),
    ("applicant", None, Route(None, None)),
])
def test_lane_role_or_declared_route(case, role, route, expected) -> None:
    assert route_for(case, role, route) == expected


def test_case_data_no_longer_decides(case) -> None:
    case.data = {"supervisor_route": "office"}
    assert route_for(case, "supervisor") == Route(WARD, DEPARTMENT)


@pytest.mark.parametrize(("role", "route", "branch_office", "expected"), [
    ("ward_clerk", Route(WARD, DEPARTMENT), False, True),
    ("ward_clerk", Route(WARD, None), False, False),  # 粗大ごみ without a department
    ("supervisor", Route(WARD, None), False, False),
    ("supervisor", Route(BRANCH, None), True, True),  # a branch's supervisors
    ("branch_clerk", Route(BRANCH, None), False, True),
    ("branch_clerk", Route(None, None), False, False),  # no office: no counter
    ("branch_clerk", Route(WARD, DEPARTMENT), False, False),  # branch queues hold no department
    ("applicant", Route(None, None), False, True),  # the applicant's own step
    ("admin", Route(WARD, DEPARTMENT), False, False),  # no queue for this lane
    ("", Route(WARD, DEPARTMENT), False, False),
])
def test_only_routes_a_team_queue_holds_are_takeable(role, route, branch_office,
                                                      expected) -> None:
    assert takeable(role, route, branch_office=branch_office) is expected


def test_a_refusal_names_the_lane_by_its_role_name_not_its_code(case) -> None:
    from flask import Flask
    from flask_babel import Babel

    from workflows.routing import NobodyCanTake, checked_route

    app = Flask(__name__)
    Babel(app, default_locale="en")
    with app.test_request_context(), pytest.raises(NobodyCanTake) as refused:
        checked_route(case, "admin", None, "Check")
    assert "(lane: Administrator)" in str(refused.value), str(refused.value)
