"""Dashboard page and its Excel and PDF exports."""

from __future__ import annotations

from io import BytesIO

from flask import render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from reports import dashboard as report
from webapp.access import roles_required
from webapp.dashboard import bp
from workflows.worklist.dashboard import dashboard
from workflows.worklist.filters import AGE_BUCKETS

AGE_LABELS = {"0-1": _l("0–1 days"), "2-3": _l("2–3 days"), "4-7": _l("4–7 days"),
              "8-14": _l("8–14 days"), "15-30": _l("15–30 days"),
              "31-": _l("31 days or more")}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _who() -> str:
    names = "・".join(d.name for d in current_user.departments)
    return f"{current_user.display_name}（{names}）"


@bp.get("/")
@roles_required("supervisor")
def index():
    d = dashboard(current_user)
    ages = {key: str(AGE_LABELS[key]) for key in AGE_BUCKETS}
    charts = report.charts(d, titles=(_("Tasks completed per day (last 30 days)"),
                                      _("Open tasks by days waiting")),
                           age_labels=ages,
                           age_links=[url_for("queues.all", age=k) for k in AGE_BUCKETS])
    return render_template("dashboard/index.html", d=d, charts=charts, ages=ages)


@bp.get("/export.xlsx")
@roles_required("supervisor")
def export_xlsx():
    d = dashboard(current_user)
    return send_file(BytesIO(report.dashboard_xlsx(d, supervisor=_who())), mimetype=XLSX,
                     as_attachment=True, max_age=0,
                     download_name=f"業務状況_{d.now:%Y%m%d}.xlsx")


@bp.get("/export.pdf")
@roles_required("supervisor")
def export_pdf():
    d = dashboard(current_user)
    return send_file(BytesIO(report.dashboard_pdf(d, supervisor=_who())),
                     mimetype="application/pdf", as_attachment=True, max_age=0,
                     download_name=f"業務状況_{d.now:%Y%m%d}.pdf")
