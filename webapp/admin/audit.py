"""Admin and supervisors: browse the audit log."""

from datetime import datetime, time, timedelta

from flask import render_template, request

from japan.calendar import JST
from models import audit as audit_model
from webapp.access import roles_required
from webapp.admin import bp
from workflows import params


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    day = params.iso_date(value)  # out of range (9999-12-31 + 1 day) counts as no filter
    if day is None:
        return None
    if end:  # "to" is inclusive: up to the start of the next day
        day += timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=JST)


@bp.get("/audit")
@roles_required("admin", "supervisor")
def audit():
    args = request.args
    filters = {k: args.get(k, "")[:80] for k in ("action", "actor", "object_type", "object_id")}
    page = audit_model.search(**filters, since=_day(args.get("from")),
                              until=_day(args.get("to"), end=True),
                              page=params.page_number(args.get("page")))
    return render_template("admin/audit.html", page=page, filters=filters,
                           date_from=args.get("from", ""), date_to=args.get("to", ""),
                           actions=audit_model.known_actions())
