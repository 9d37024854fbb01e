"""The forwarding ledger screen (回送管理簿): filters, overdue lines, Excel and PDF export."""

from __future__ import annotations

from io import BytesIO

from flask import flash, render_template, request, send_file
from flask_login import current_user

from models.base import utcnow
from models.receipt import LINE_STATUSES
from webapp import org
from webapp.access import roles_required
from webapp.errors import abort_with
from webapp.extensions import db
from webapp.forwarding import bp
from webapp.forwarding.filters import export, parse_filter
from workflows import params
from workflows.failures import InvalidInput
from workflows.forwarding import catalogue, queries
from workflows.forwarding.ledger import LedgerFilter, late_days, ledger_query

PER_PAGE = 100


@bp.get("/ledger")
@roles_required("branch_clerk", "ward_clerk", "supervisor", "admin")
def ledger():
    now = utcnow()
    try:
        f = parse_filter(request.args)
    except InvalidInput as exc:
        flash("　".join(m for msgs in exc.errors.values() for m in msgs), "error")
        f = LedgerFilter()
    fmt = request.args.get("format")
    if fmt in ("xlsx", "pdf"):
        try:
            out = export(current_user, f, fmt, now)
        except InvalidInput as exc:
            abort_with(422, "　".join(m for msgs in exc.errors.values() for m in msgs))
        return send_file(BytesIO(out.data), mimetype=out.mimetype, as_attachment=True,
                         download_name=out.filename, max_age=0)
    page = db.paginate(ledger_query(current_user, f, now),
                       page=params.page_number(request.args.get("page")), per_page=PER_PAGE,
                       error_out=False)
    markers = queries.open_tasks_by_case([line.receipt.case_id for line in page.items
                                          if line.receipt.case_id])
    return render_template(
        "forwarding/ledger.html", page=page, now=now, late_days=late_days, markers=markers,
        offices=[o for o in org.list_offices() if o.is_branch],
        departments=org.list_departments(), types=catalogue.list_types(),
        statuses=LINE_STATUSES, args=request.args)
