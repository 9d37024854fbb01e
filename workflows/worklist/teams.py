"""Who works which queue: a user's teams (role at an office or department) and scopes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_

from models.case import Case
from models.user import User
from models.work_item import WorkItem

TEAM_ROLES = ("branch_clerk", "ward_clerk", "supervisor")
QUEUE_ROLES = TEAM_ROLES


@dataclass(frozen=True)
class Team:
    """One team queue: open items of a role at an office (and department)."""

    key: str  # "ward_clerk:HOKEN", "branch_clerk:DAISHI"
    role: str
    office_id: int
    department_id: int | None
    place: str  # the department's or the office's name


def teams_of(user: User) -> list[Team]:
    """The user's teams in display order: branch first, then per role and department."""
    teams = []
    for role in ("branch_clerk", "supervisor"):
        # A branch's own supervisor works escalations routed to the branch (no department).
        if user.has_role(role) and (role == "branch_clerk" or user.office.is_branch):
            teams.append(Team(f"{role}:{user.office.code}", role, user.office_id, None,
                              user.office.name))
    for role in ("ward_clerk", "supervisor"):
        if user.has_role(role):
            teams += [Team(f"{role}:{d.code}", role, d.office_id, d.id, d.name)
                      for d in user.departments]
    return teams


def pick_team(user: User, key: str) -> Team | None:
    """The team named by key, else the user's first team (None: the user has no team)."""
    teams = teams_of(user)
    return next((t for t in teams if t.key == key), teams[0] if teams else None)


def team_clause(team: Team) -> ColumnElement[bool]:
    """Equality on every leading column of ix_work_item_team_queue (no sort step needed)."""
    department = WorkItem.department_id.is_(None) if team.department_id is None \
        else WorkItem.department_id == team.department_id
    return and_(WorkItem.status == "open", WorkItem.role == team.role,
                WorkItem.office_id == team.office_id, department)


def mine_clause(user: User) -> ColumnElement[bool]:
    return and_(WorkItem.assignee_id == user.id, WorkItem.status == "claimed")


def can_see_all(user: User) -> bool:
    return user.has_role("supervisor")


def all_clause(user: User) -> ColumnElement[bool]:
    """Items of the departments the user supervises, and the branch or applicant steps of
    those departments' cases (those items have no department). Needs the join to cases."""
    ids = user.department_ids
    if not can_see_all(user) or not ids:
        return false()
    return or_(WorkItem.department_id.in_(ids),
               and_(WorkItem.department_id.is_(None), Case.department_id.in_(ids)))
