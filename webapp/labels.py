"""Display labels for statuses and audit actions (translated)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "active": _l("In progress"),
    "waiting": _l("Waiting"),
    "completed": _l("Completed"),
    "error": _l("Error"),
    "cancelled": _l("Cancelled"),
    "open": _l("Not started"),
    "claimed": _l("In hand"),
}

ACTION_LABELS = {
    "case_started": _l("Case started"),
    "case_completed": _l("Case completed"),
    "case_cancelled": _l("Case cancelled"),
    "case_error": _l("Error"),
    "case_retried": _l("Retried"),
    "case_data_edited": _l("Data edited"),
    "task_completed": _l("Task completed"),
    "task_claimed": _l("Task claimed"),
    "task_unclaimed": _l("Task released"),
    "task_reassigned": _l("Task reassigned"),
    "timer_fired": _l("Timer fired"),
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["status_label"] = lambda s: STATUS_LABELS.get(s, s)
    app.jinja_env.globals["action_label"] = lambda a: ACTION_LABELS.get(a, a)
