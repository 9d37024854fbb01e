"""The queue pages and their Excel export: load, check access, query, render."""

from __future__ import annotations

from io import BytesIO

from flask import abort, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from models.base import utcnow
from models.user import ROLE_LABELS
from reports import queue_xlsx
from webapp.access import roles_required
from webapp.queues import (
    CHANNEL_LABELS,
    COLUMN_LABELS,
    DUE_LABELS,
    QUEUE_TITLES,
    STATUS_LABELS,
    bp,
    nav_count,
)
from workflows import params
from workflows.worklist import options, people, queues, saved
from workflows.worklist.filters import DUE_CHOICES, ITEM_STATUSES, PER_PAGE_CHOICES, parse_filter
from workflows.worklist.teams import QUEUE_ROLES, can_see_all

ROLE_FILTER = ("branch_clerk", "ward_clerk", "supervisor", "applicant")


def _check(queue: str) -> None:
    if queue == "all" and not can_see_all(current_user):
        abort(403)


def _choices(queue: str) -> dict[str, list]:
    opts = options.filter_options(places=queue == "all")
    out = {"procedure": opts.procedures, "task": opts.tasks,
           "channel": [(c, CHANNEL_LABELS.get(c, c)) for c in opts.channels],
           "due": [(d, DUE_LABELS[d]) for d in DUE_CHOICES]}
    if queue == "all":
        out.update(status=[(s, STATUS_LABELS[s]) for s in ITEM_STATUSES],
                   department=[(d.code, d.name) for d in opts.departments],
                   office=[(o.code, o.name) for o in opts.offices],
                   role=[(r, ROLE_LABELS.get(r, _("Applicant"))) for r in ROLE_FILTER])
    return out


def _page(queue: str):
    _check(queue)
    f, errors = parse_filter(request.args)
    # The navigation counted the unfiltered queues already: no second count of the same.
    total = None if f.narrowed else nav_count(queue, team_key=f.team)
    page = queues.queue_page(current_user, queue, f, params.page_number(request.args.get("page")),
                             total=total)
    supervisor = can_see_all(current_user)
    return render_template(
        "queues/queue.html", queue=queue, title=QUEUE_TITLES[queue], page=page, f=f,
        errors=errors, choices=_choices(queue),
        saved_filters=saved.visible_filters(current_user),
        staff=people.staff_of_departments(current_user.department_ids) if supervisor else [],
        supervisor=supervisor, per_page_choices=PER_PAGE_CHOICES,
        channel_names={k: str(v) for k, v in CHANNEL_LABELS.items()},
        query_string=f.query_string())


@bp.get("/mine")
@roles_required(*QUEUE_ROLES)
def mine():
    return _page("mine")


@bp.get("/team")
@roles_required(*QUEUE_ROLES)
def team():
    return _page("team")


@bp.get("/all", endpoint="all")
@roles_required("supervisor")
def all_tasks():
    return _page("all")


@bp.get("/<any(mine, team, all):queue>/export.xlsx")
@roles_required(*QUEUE_ROLES)
def export(queue: str):
    _check(queue)
    f, _errors = parse_filter(request.args)
    now = utcnow()
    headers = {"case_number": str(COLUMN_LABELS["case"]), "late_days": _("Business days late"),
               "status": _("Status"), **{k: str(v) for k, v in COLUMN_LABELS.items()},
               "received": str(COLUMN_LABELS["received"]), "due": str(COLUMN_LABELS["due"])}
    labels = {"status": {k: str(v) for k, v in STATUS_LABELS.items()},
              "channel": {k: str(v) for k, v in CHANNEL_LABELS.items()}}
    data = queue_xlsx.queue_xlsx(queues.export_items(current_user, queue, f, now),
                                 title=str(QUEUE_TITLES[queue]), conditions=f.query_string(),
                                 now=now, headers=headers, labels=labels)
    return send_file(BytesIO(data), as_attachment=True, max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     download_name=f"{QUEUE_TITLES[queue]}_{now:%Y%m%d}.xlsx")
