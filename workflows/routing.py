"""Which office and department a case's task goes to: by the role of its lane, or by the
task's own ``madoguchi:route`` attribute in the BPMN.

Branch clerks work at the case's office (the branch that took it in); ward clerks and
supervisors at the case's department. A user task may say otherwise:
``madoguchi:route="case_office"`` sends it to the case's office whatever its lane (e.g. a
supervisor at the branch answers for documents that did not arrive), ``"department"`` to the
case's department.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import select

from japan.calendar import JST, add_business_days
from models.case import Case
from models.db import db
from models.office import Office
from models.prepared import Prepared
from models.user import ROLE_LABELS  # the lane shown as the role's name, not its code
from workflows.failures import InvalidInput

STAFF_ROLES = ("branch_clerk", "ward_clerk", "supervisor")
KNOWN_ROLES = frozenset({*STAFF_ROLES, "applicant", "designer", "admin"})
ROUTES = ("case_office", "department")  # the values of madoguchi:route
DEFAULT_DUE_BUSINESS_DAYS = 5
CLOSING_TIME = time(17, 15)  # ward office counters close at 17:15


@dataclass(frozen=True)
class Route:
    office_id: int | None
    department_id: int | None


_OFFICES = Office.__table__
_WARD_OFFICE = Prepared(select(_OFFICES.c.id).where(_OFFICES.c.kind == "ward")
                        .order_by(_OFFICES.c.id).limit(1))


def ward_office_id() -> int | None:
    """The ward office (区役所) that holds the departments."""
    return _WARD_OFFICE.execute(db.session.connection(), {}).scalar()


def route_for(case: Case, role: str, route: str | None = None) -> Route:
    """Where a task of this lane role (and madoguchi:route, if the task has one) goes."""
    if route == "case_office" or (route is None and role == "branch_clerk"):
        return Route(case.office_id, None)
    if route == "department" or role in ("ward_clerk", "supervisor"):
        # Through the case's relationship: loaded once per case object, not looked up per task.
        office_id = case.department.office_id if case.department_id else ward_office_id()
        return Route(office_id, case.department_id)
    return Route(None, None)


class NobodyCanTake(InvalidInput):
    """A task would become a work item in no one's queue; the step is refused instead."""


def takeable(role: str, route: Route, *, branch_office: bool = False) -> bool:
    """Whether a team can hold a work item of this role routed here, as the queues define
    teams (workflows.worklist.teams): branch clerks work at an office, ward clerks and
    supervisors in a department, a branch's supervisors at their branch (branch_office: the
    route's office is a branch); an applicant's step is theirs on the portal. Lanes without a
    queue (admin, designer, none) are never takeable."""
    if role == "applicant":
        return True
    if role == "branch_clerk":
        return route.office_id is not None and route.department_id is None
    if role == "ward_clerk":
        return route.department_id is not None
    if role == "supervisor":
        return route.department_id is not None or branch_office
    return False


def checked_route(case: Case, role: str, route: str | None, task_name: str) -> Route:
    """route_for, refusing (NobodyCanTake, naming the field to give) a route no team holds.

    Such an item would sit in no clerk's, supervisor's or admin's queue for ever; refusing
    the step leaves the case as it was and says what is missing.
    """
    found = route_for(case, role, route)
    # Only a supervisor's item without a department needs the office's kind (rarely: one
    # escalation per forwarding case); the case's office is loaded for it then.
    branch = role == "supervisor" and found.department_id is None \
        and found.office_id is not None and found.office_id == case.office_id \
        and case.office is not None and case.office.is_branch
    if takeable(role, found, branch_office=branch):
        return found
    if role in ("ward_clerk", "supervisor") and case.department_id is None:
        field, message = "department", _(
            "Task %(task)s is done by the staff of a department, but the case has no "
            "department; nobody could take it. Give the case a department.", task=task_name)
    elif role == "branch_clerk" and found.office_id is None:
        field, message = "office", _(
            "Task %(task)s is done at an office counter, but the case has no office; nobody "
            "could take it. Give the case an office.", task=task_name)
    else:  # a lane without a queue (admin, designer, none), or a route no team of it works
        field, message = "process_id", _(
            "Task %(task)s (lane: %(lane)s) would go to no team's work queue; nobody could "
            "take it.", task=task_name, lane=ROLE_LABELS.get(role, role or "-"))
    raise NobodyCanTake(message, {field: [message]})


def default_due(now: datetime, business_days: int = DEFAULT_DUE_BUSINESS_DAYS) -> datetime:
    """Closing time on the n-th business day after now (weekends and holidays skipped)."""
    return datetime.combine(_due_day(now.astimezone(JST).date(), business_days), CLOSING_TIME,
                            tzinfo=JST)


@lru_cache(maxsize=512)
def _due_day(day: date, business_days: int) -> date:
    return add_business_days(day, business_days)
