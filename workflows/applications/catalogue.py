"""The procedure catalogue: search for the portal, description for the API, admin edits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from forms.application_fields import procedure_form
from japan.text import search_key
from models.audit import record
from models.base import utcnow
from models.db import db
from models.office import Department
from models.procedure import AUDIENCES, CHANNELS, Procedure
from models.user import User
from workflows.failures import InvalidInput

EDITABLE = ("code", "name", "audience", "category", "organisation", "department_id", "summary",
            "how_to_apply", "accept_from", "accept_until", "contact_name", "contact_phone",
            "channels", "process_id", "form_key", "correction_days", "active", "position")


@dataclass(frozen=True)
class Filters:
    q: str = ""
    audience: str = ""
    category: str = ""
    organisation: str = ""


def search(filters: Filters) -> list[Procedure]:
    """Active procedures matching every keyword (kana/width-insensitive) and the filters."""
    query = select(Procedure).where(Procedure.active.is_(True))
    for word in filters.q.split()[:10]:
        query = query.where(Procedure.search_text.contains(search_key(word), autoescape=True))
    if filters.audience in AUDIENCES:
        query = query.where(Procedure.audience == filters.audience)
    if filters.category:
        query = query.where(Procedure.category == filters.category)
    if filters.organisation:
        query = query.where(Procedure.organisation == filters.organisation)
    return list(db.session.scalars(query.order_by(Procedure.position, Procedure.name)))


def facets() -> dict[str, list[str]]:
    """The categories and organisations of active procedures, for the filter lists."""
    def distinct(column: Any) -> list[str]:
        return [v for v in db.session.scalars(select(column).where(
            Procedure.active.is_(True)).distinct().order_by(column)) if v]

    return {"categories": distinct(Procedure.category),
            "organisations": distinct(Procedure.organisation)}


def by_code(code: str, *, active_only: bool = True) -> Procedure | None:
    query = select(Procedure).where(Procedure.code == code)
    if active_only:
        query = query.where(Procedure.active.is_(True))
    return db.session.scalar(query)


def all_procedures() -> list[Procedure]:
    return list(db.session.scalars(select(Procedure).order_by(Procedure.position,
                                                              Procedure.code)))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def describe(procedure: Procedure, now: datetime, *, form: bool = False) -> dict[str, Any]:
    """The JSON description of a procedure (and its form's fields) for other systems."""
    out = {"code": procedure.code, "name": procedure.name, "audience": procedure.audience,
           "category": procedure.category, "organisation": procedure.organisation,
           "department": procedure.department.code if procedure.department else None,
           "accepting": procedure.accepting(now), "accept_from": _iso(procedure.accept_from),
           "accept_until": _iso(procedure.accept_until),
           "channels": list(procedure.channels or []),
           "contact": {"name": procedure.contact_name, "phone": procedure.contact_phone}}
    if form:
        spec = procedure_form(procedure.form_key)
        out.update(summary=procedure.summary, how_to_apply=procedure.how_to_apply,
                   correction_days=procedure.correction_days,
                   form=spec.describe() if spec else None)
    return out


def _snapshot(procedure: Procedure) -> dict[str, Any]:
    out = {}
    for name in EDITABLE:
        value = getattr(procedure, name)
        out[name] = value.isoformat() if isinstance(value, datetime) else value
    return out


def search_text(procedure: Procedure) -> str:
    return search_key(" ".join([procedure.name, procedure.summary or "", procedure.category or "",
                                procedure.organisation or "", procedure.code]))


def save(actor: User | None, procedure: Procedure | None, values: dict[str, Any],
         now: datetime | None = None) -> Procedure:
    """Create or change a procedure (validated by the admin form); audited before/after."""
    now = now or utcnow()
    _check(procedure, values)
    created = procedure is None
    before = {} if created else _snapshot(procedure)
    procedure = procedure or Procedure()
    for name in EDITABLE:
        if name in values:
            setattr(procedure, name, values[name])
    procedure.department = db.session.get(Department, values["department_id"]) \
        if values.get("department_id") else None
    procedure.search_text = search_text(procedure)
    procedure.updated_at = now
    db.session.add(procedure)
    db.session.flush()
    after = _snapshot(procedure)
    record("procedure_created" if created else "procedure_updated", "procedure", procedure.id,
           actor=actor, at=now, details={"before": before, "after": after,
                                         "changed": sorted(k for k in after
                                                           if before.get(k) != after[k])})
    return procedure


def _check(procedure: Procedure | None, values: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    taken = db.session.scalar(select(func.count()).select_from(Procedure).where(
        Procedure.code == values.get("code"),
        Procedure.id != (procedure.id if procedure else -1)))
    if taken:
        errors["code"] = [_("This code is already used by another procedure.")]
    if procedure_form(values.get("form_key") or "") is None:
        errors["form_key"] = [_("Unknown form.")]
    if any(c not in CHANNELS for c in values.get("channels") or []):
        errors["channels"] = [_("Unknown channel.")]
    department_id = values.get("department_id")
    if department_id and db.session.get(Department, department_id) is None:
        errors["department_id"] = [_("Unknown department.")]
    elif not department_id and values.get("active", True) and values.get("channels"):
        # Its review task would go to no department: in nobody's queue.
        errors["department_id"] = [_("A procedure that accepts applications needs the "
                                     "department that reviews them.")]
    start, end = values.get("accept_from"), values.get("accept_until")
    if start and end and end < start:
        errors["accept_until"] = [_("The end must not be before the start.")]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
