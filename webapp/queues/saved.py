"""Saved filters: save the current view, open one (shareable URL), delete one."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.access import roles_required
from webapp.actions import commit_or_flash
from webapp.extensions import db
from webapp.queues import bp
from workflows import params
from workflows.failures import InvalidInput
from workflows.worklist import saved
from workflows.worklist.teams import QUEUE_ROLES


def _queue_url(queue: str, query: str) -> str:
    base = url_for(f"queues.{queue}")
    return f"{base}?{query}" if query else base


@bp.post("/filters")
@roles_required(*QUEUE_ROLES)
def save_filter():
    queue = request.form.get("queue", "")
    query = request.form.get("query", "")[:2000]
    department = request.form.get("share", type=params.db_id)
    try:
        found = saved.save_filter(current_user, name=request.form.get("name", ""), queue=queue,
                                  query=query, department_id=department)
        db.session.commit()
    except InvalidInput as exc:
        db.session.rollback()
        flash("　".join(m for msgs in exc.errors.values() for m in msgs), "error")
        return redirect(_queue_url(queue if queue in ("mine", "team", "all") else "team",
                                   saved.canonical_query(query)))
    flash(_("The filter “%(name)s” was saved.", name=found.name), "success")
    return redirect(url_for("queues.open_filter", filter_id=found.id))


@bp.get("/filters/<int:filter_id>")
@roles_required(*QUEUE_ROLES)
def open_filter(filter_id: int):
    found = saved.visible_filter(current_user, filter_id)
    if found is None:
        abort(404)
    return redirect(_queue_url(found.queue, found.query))


@bp.post("/filters/<int:filter_id>/delete")
@roles_required(*QUEUE_ROLES)
def delete_filter(filter_id: int):
    found = saved.visible_filter(current_user, filter_id)
    if found is None:
        abort(404)
    commit_or_flash(lambda: saved.delete_filter(current_user, found),
                    _("The filter “%(name)s” was deleted.", name=found.name))
    return redirect(_queue_url(found.queue, ""))
