"""Who may act on a work item or a case."""

from __future__ import annotations

from flask_babel import gettext as _

from models.case import Case
from models.office import Department, Office
from models.user import User
from models.work_item import WorkItem
from workflows.failures import Conflict, Forbidden, InvalidInput


def matches_item(user: User, item: WorkItem) -> bool:
    """The user's role, office and department match the work item's routing."""
    if not user.has_role(item.role):
        return False
    if item.office_id is not None and user.office_id != item.office_id:
        return False
    return item.department_id is None or item.department_id in user.department_ids


def supervises(user: User, department_id: int | None) -> bool:
    """Supervisors act on cases of their departments (all cases when department is None)."""
    if not user.has_role("supervisor"):
        return False
    return department_id is None or department_id in user.department_ids


def check_can_complete(user: User, item: WorkItem) -> None:
    """Raise unless the user is the assignee, or the item is unassigned and routed to them.

    Access comes first: someone who may not act on the item learns nothing more about it
    (neither its assignee nor, in complete_task, its state or the case's version)."""
    if item.assignee_id == user.id:
        return
    if not matches_item(user, item):
        raise Forbidden(_("This task is for another role, office or department."))
    if item.assignee_id is not None:
        raise Conflict(_("This task is assigned to %(name)s.",
                         name=item.assignee.display_name if item.assignee else "?"))


def check_can_claim(user: User, item: WorkItem) -> None:
    """Raise unless the user could work on the item."""
    if not matches_item(user, item):
        raise Forbidden(_("This task is for another role, office or department."))


def check_supervisor(user: User, case: Case) -> None:
    """Raise unless the user supervises the case's department."""
    if not supervises(user, case.department_id):
        raise Forbidden(_("Only a supervisor of this department may do this."))


def can_view_case(user: User, case: Case) -> bool:
    """Staff see cases of their office or departments; supervisors of their departments."""
    if user.has_role("admin") or supervises(user, case.department_id):
        return True
    if case.office_id is not None and case.office_id == user.office_id:
        return True
    return case.department_id is not None and case.department_id in user.department_ids


def check_can_start(user: User, office: Office | None, department: Department | None) -> None:
    """Raise unless the user works where the new case would go: at their own office, and in
    one of their departments when they name one (a user without departments names none)."""
    errors: dict[str, list[str]] = {}
    if office is None or office.id != user.office_id:
        errors["office"] = [_("You can start cases only at your own office (%(office)s).",
                              office=user.office.name)]
    if department is not None and department.id not in user.department_ids:
        errors["department"] = [
            _("You can start cases only for your own departments (%(names)s).",
              names="、".join(d.name for d in user.departments))
            if user.departments else
            _("You do not belong to a department; start the case without one.")]
    if errors:
        raise InvalidInput(_("The case was not started."), errors)
