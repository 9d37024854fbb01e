"""Operations and look-ups for offices and departments."""

from __future__ import annotations

from sqlalchemy import select

from models.audit import record
from models.office import Department, Office
from models.user import User
from webapp.extensions import db
from workflows import params


def list_offices() -> list[Office]:
    """Every office, the ward office first."""
    return list(db.session.scalars(select(Office).order_by(Office.kind.desc(), Office.id)))


def list_departments(active_only: bool = False) -> list[Department]:
    """Every department in display order."""
    query = select(Department).order_by(Department.office_id, Department.position, Department.id)
    if active_only:
        query = query.where(Department.active.is_(True))
    return list(db.session.scalars(query))


def office_by_code(code: object) -> Office | None:
    """The office with this code; None also for values that are no code (a JSON list, …)."""
    code = params.code(code)
    return db.session.scalar(select(Office).where(Office.code == code)) if code else None


def department_by_code(code: object) -> Department | None:
    code = params.code(code)
    return db.session.scalar(select(Department).where(Department.code == code)) if code else None


def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def update_office(actor: User, office: Office, *, name: str, short_name: str,
                  active: bool) -> Office:
    """Rename or (de)activate an office."""
    fields = ("name", "short_name", "active")
    before = _snapshot(office, fields)
    office.name, office.short_name, office.active = name.strip(), short_name.strip(), active
    after = _snapshot(office, fields)
    if before != after:
        record("office_updated", "office", office.id, actor=actor,
               details={"before": before, "after": after})
    return office


def save_department(actor: User, department: Department | None, *, office: Office, code: str,
                    name: str, position: int, active: bool) -> Department:
    """Create a department (when department is None) or change one."""
    fields = ("code", "name", "position", "active")
    created = department is None
    if created:
        department = Department(office=office)
        db.session.add(department)
        before = None
    else:
        before = _snapshot(department, fields)
    department.code, department.name = code.strip(), name.strip()
    department.position, department.active = position, active
    db.session.flush()
    after = _snapshot(department, fields)
    if before != after:
        record("department_created" if created else "department_updated", "department",
               department.id, actor=actor, details={"before": before, "after": after})
    return department
