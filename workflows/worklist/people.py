"""Staff a supervisor can hand tasks to."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models.db import db
from models.user import User, UserRole, user_department
from models.work_item import WorkItem
from workflows.permissions import matches_item


def staff_of_departments(department_ids: set[int]) -> list[User]:
    """Active ward clerks and supervisors of the departments, by name."""
    if not department_ids:
        return []
    query = (select(User).where(User.active.is_(True), User.id.in_(
        select(user_department.c.user_id).where(
            user_department.c.department_id.in_(department_ids))), User.id.in_(
        select(UserRole.user_id).where(UserRole.role.in_(("ward_clerk", "supervisor")))))
        .options(selectinload(User.departments)).order_by(User.display_name, User.id))
    return list(db.session.scalars(query))


def candidates_for(item: WorkItem) -> list[User]:
    """Active users whose role, office and department match the item."""
    query = select(User).where(User.active.is_(True), User.id.in_(
        select(UserRole.user_id).where(UserRole.role == item.role)))
    if item.office_id is not None:
        query = query.where(User.office_id == item.office_id)
    users = db.session.scalars(query.options(selectinload(User.departments))
                               .order_by(User.display_name, User.id))
    return [u for u in users if matches_item(u, item)]


def user_by_id(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None
