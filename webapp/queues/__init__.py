"""Work queues (自分のタスク・チームのタスク・すべて), saved filters, bulk actions, export."""

from flask import Blueprint, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

bp = Blueprint("queues", __name__, url_prefix="/queues")

QUEUE_TITLES = {"mine": _l("My tasks"), "team": _l("Team tasks"), "all": _l("All tasks")}
CHANNEL_LABELS = {"counter": _l("Counter"), "branch": _l("Branch office"),
                  "online": _l("Online"), "postal": _l("Post"), "api": _l("API")}
DUE_LABELS = {"overdue": _l("Overdue"), "today": _l("Due today"),
              "week": _l("Due within 7 days")}
# Column headers of the queue table and its Excel export, by sort key.
COLUMN_LABELS = {"case": _l("Case number"), "procedure": _l("Procedure"), "task": _l("Task"),
                 "applicant": _l("Applicant / resident"), "received": _l("Received"),
                 "due": _l("Due"), "assignee": _l("Assignee"), "channel": _l("Channel")}
STATUS_LABELS = {"open": _l("Not started"), "claimed": _l("In hand")}
ACTION_LABELS = {
    "case_comment_added": _l("Comment"),
    "task_due_changed": _l("Due date changed"),
}


def _cached_text(msgid: str) -> str:
    """The translation of msgid, looked up once per request (rows of a long page reuse it)."""
    from flask_babel import gettext

    texts = g.setdefault("queue_texts", {})
    if msgid not in texts:
        texts[msgid] = gettext(msgid)
    return texts[msgid]


def late_text(days: int) -> str:
    return _cached_text(N_("%(days)d business days late")) % {"days": days}


def select_text(number: str, task: str) -> str:
    return _cached_text(N_("Select %(number)s %(task)s")) % {"number": number, "task": task}


def N_(msgid: str) -> str:
    """Marks a message for extraction; translated later, once per request."""
    return msgid


def nav_count(queue: str, team_key: str | None = None):
    """The queue's capped count, computed once per request (navigation and page share it).

    For the team queue: the sum over the user's teams, or one team's count given its key
    (the first team when the key is unknown, as the page does)."""
    from workflows.worklist import queues
    from workflows.worklist.teams import can_see_all, pick_team, teams_of

    cache = g.setdefault("queue_counts", {})
    if queue not in cache:
        if queue == "team":
            g.team_counts = {t.key: queues.count(current_user, "team", team=t)
                             for t in teams_of(current_user)}
            cache[queue] = sum(g.team_counts.values(), queues.Count(0))
        elif queue == "all" and not can_see_all(current_user):
            cache[queue] = None
        else:
            cache[queue] = queues.count(current_user, queue)
    if queue == "team" and team_key is not None:
        team = pick_team(current_user, team_key)
        return g.team_counts.get(team.key) if team else queues.Count(0)
    return cache[queue]


@bp.record_once
def _labels(state) -> None:
    from webapp.labels import ACTION_LABELS as GENERAL

    for action, label in ACTION_LABELS.items():
        GENERAL.setdefault(action, label)
    state.app.jinja_env.globals.update(
        channel_label=lambda c: CHANNEL_LABELS.get(c, c),
        queue_title=lambda q: QUEUE_TITLES.get(q, q),
        column_label=lambda k: COLUMN_LABELS.get(k, k),
        due_label=lambda d: DUE_LABELS.get(d, d), late_text=late_text, select_text=select_text)


from webapp.queues import actions, pages, saved  # noqa: E402,F401
