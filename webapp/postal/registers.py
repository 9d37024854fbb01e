"""The registers page: 郵送受付簿 and 発送簿 (filters, Excel, PDF), daily money orders."""

from __future__ import annotations

from io import BytesIO

from flask import flash, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from japan.calendar import to_jst
from models.base import utcnow
from webapp import org
from webapp.access import roles_required
from webapp.errors import abort_with
from webapp.postal import bp
from webapp.postal.filters import KINDS, export, export_cash, parse_filter, rows
from workflows import params
from workflows.failures import InvalidInput
from workflows.postal import catalogue
from workflows.postal.registers import RegisterFilter


def _messages(exc: InvalidInput) -> str:
    return "　".join(m for msgs in exc.errors.values() for m in msgs)


def _send(out):
    return send_file(BytesIO(out.data), mimetype=out.mimetype, as_attachment=True,
                     download_name=out.filename, max_age=0)


@bp.get("/registers")
@roles_required("ward_clerk", "supervisor", "admin")
def registers():
    now = utcnow()
    try:
        f = parse_filter(request.args)
    except InvalidInput as exc:
        flash(_messages(exc), "error")
        f = RegisterFilter()
    kind = request.args.get("register", "intake")
    kind = kind if kind in KINDS else "intake"
    fmt = request.args.get("format")
    if fmt in ("xlsx", "pdf"):
        try:
            return _send(export(kind, current_user, f, fmt, now))
        except InvalidInput as exc:
            abort_with(422, _messages(exc))
    return render_template("postal/registers.html", kind=kind, lines=rows(kind, current_user, f,
                                                                          200),
                           departments=org.list_departments(),
                           procedures=catalogue.postal_procedures(), args=request.args,
                           today=to_jst(now).date().isoformat())


@bp.get("/registers/money-orders")
@roles_required("ward_clerk", "supervisor", "admin")
def money_orders():
    department = org.department_by_code(request.args.get("department", ""))
    day = params.iso_date(request.args.get("day", ""))
    if department is None or day is None:
        abort_with(422, _("Choose a department and a day."))
    fmt = request.args.get("format") if request.args.get("format") in ("xlsx", "pdf") else "pdf"
    return _send(export_cash(current_user, department.id, day, fmt, utcnow()))
