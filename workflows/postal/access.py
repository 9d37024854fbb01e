"""Who may register envelopes and act on postal cases.

The mail room is a ward clerk of 区民課 (KUMIN): it registers envelopes for every department.
A department's own ward clerks and supervisors register and work its postal applications.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from models.case import Case
from models.db import db
from models.office import Department
from models.user import User
from workflows.failures import Forbidden

MAIL_ROOM = "KUMIN"


def is_mail_room(user: User) -> bool:
    """A ward clerk of the mail-room department."""
    if not user.has_role("ward_clerk"):
        return False
    dept = db.session.scalar(select(Department.id).where(Department.code == MAIL_ROOM))
    return dept is not None and dept in user.department_ids


def can_register(user: User, department: Department) -> bool:
    return user.has_role("admin") or is_mail_room(user) or (
        user.has_role("ward_clerk", "supervisor") and department.id in user.department_ids)


def check_register(user: User, department: Department) -> None:
    """Raise unless the user may register envelopes for the department."""
    if not can_register(user, department):
        raise Forbidden(_("Envelopes for %(dept)s are registered by the mail room (区民課) or "
                          "by %(dept)s itself.", dept=department.name))


def check_department(user: User, case: Case) -> None:
    """Raise unless the case belongs to one of the user's departments (letters, reviews)."""
    if user.has_role("admin") or (case.department_id in user.department_ids):
        return
    name = case.department.name if case.department else "?"
    raise Forbidden(_("Case %(number)s belongs to %(dept)s: only %(dept)s can act on it or "
                      "send its letters.", number=case.number, dept=name))


def can_view(user: User, case: Case) -> bool:
    return user.has_role("admin") or is_mail_room(user) or \
        case.department_id in user.department_ids
