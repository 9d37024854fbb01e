"""Case page: data, tasks, timeline; supervisor actions (retry, cancel, edit data)."""

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.actions import commit_or_flash
from webapp.cases import bp, extras
from workflows import queries, supervision
from workflows.permissions import can_view_case


def _load(number: str):
    case = queries.case_by_ref(number)
    if case is None or not can_view_case(current_user, case):
        abort(404)
    return case


@bp.get("/cases/<number>")
@login_required
def case(number: str):
    case = _load(number)
    return render_template("cases/case.html", case=case, **extras.case_context(case))


def _act(number: str, operation, success: str):
    case = _load(number)
    commit_or_flash(lambda: operation(case), success)
    return redirect(url_for("cases.case", number=case.number))


@bp.post("/cases/<number>/retry")
@login_required
def retry(number: str):
    def op(case):
        outcome = supervision.retry_case(case, current_user)
        if outcome.error:
            flash(_("The retry failed again: %(msg)s", msg=outcome.error), "error")

    return _act(number, op, _("The case was retried."))


@bp.post("/cases/<number>/cancel")
@login_required
def cancel(number: str):
    reason = request.form.get("reason", "")[:1000]
    return _act(number, lambda c: supervision.cancel_case(c, current_user, reason),
                _("The case was cancelled."))


@bp.post("/cases/<number>/data")
@login_required
def edit_data(number: str):
    try:
        changes = json.loads(request.form.get("changes") or "{}")
    except ValueError:
        changes = None
    if not isinstance(changes, dict):
        flash(_("Enter the changes as a JSON object, e.g. {\"amount\": 1200}."), "error")
        return redirect(url_for("cases.case", number=number))
    return _act(number, lambda c: supervision.edit_case_data(c, current_user, changes),
                _("The case data was changed."))
