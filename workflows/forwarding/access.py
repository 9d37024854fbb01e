"""Who may act on forwarding receipts and bags; every refusal of an action names the reason
(what one may not even see is "not found", see can_view_receipt)."""

from __future__ import annotations

from flask_babel import gettext as _

from models.bag import Bag
from models.office import Department, Office
from models.receipt import Receipt
from models.user import User
from workflows.failures import Forbidden
from workflows.permissions import supervises


def works_at_branch(user: User, office: Office) -> bool:
    return user.has_role("branch_clerk") and user.office_id == office.id


def works_in_department(user: User, department: Department) -> bool:
    return user.has_role("ward_clerk") and department.id in user.department_ids


def check_branch(user: User, office: Office) -> None:
    """Branch work (issue, cancel, dispatch, file) is for clerks of that branch only."""
    if not user.has_role("branch_clerk"):
        raise Forbidden(_("Only branch clerks can do this."))
    if user.office_id != office.id:
        raise Forbidden(_("This belongs to %(office)s; you work at %(mine)s.",
                          office=office.name, mine=user.office.name))
    if not office.is_branch:
        raise Forbidden(_("%(office)s is not a branch office.", office=office.name))


def check_department(user: User, department: Department) -> None:
    """Department work (receive, return) is for ward clerks of that department only."""
    if not user.has_role("ward_clerk"):
        raise Forbidden(_("Only ward clerks of the responsible department can do this."))
    if department.id not in user.department_ids:
        raise Forbidden(_("This is addressed to %(department)s, which is not your "
                          "department.", department=department.name))


def check_supervisor(user: User, department: Department) -> None:
    if not supervises(user, department.id):
        raise Forbidden(_("Only a supervisor of %(department)s can do this.",
                          department=department.name))


def can_view(user: User, office_id: int, department_id: int) -> bool:
    """Branch clerks see their branch, ward clerks their departments, supervisors theirs."""
    if user.has_role("admin") or supervises(user, department_id):
        return True
    if user.has_role("branch_clerk") and user.office_id == office_id:
        return True
    return user.has_role("ward_clerk") and department_id in user.department_ids


def can_view_receipt(user: User, receipt: Receipt) -> bool:
    # Callers answer "not found" when this is False, exactly as for a number that does not
    # exist: a refusal naming the owner would let anyone count other branches' receipts.
    return can_view(user, receipt.office_id, receipt.department_id)


def can_view_bag(user: User, bag: Bag) -> bool:
    return can_view(user, bag.office_id, bag.department_id)
