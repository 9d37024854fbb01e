"""The navigation bar: each entry is shown only to roles that may use it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...] = ()  # empty: every signed-in user
    count: Callable[[], object] | None = None  # shown beside the label (e.g. queue length)


def _queue_count(queue: str) -> Callable[[], object]:
    def count():
        from webapp.queues import nav_count

        return nav_count(queue)

    return count


QUEUE_ROLES = ("branch_clerk", "ward_clerk", "supervisor")

NAV = [
    NavItem("home.index", _l("Home")),
    NavItem("queues.mine", _l("My tasks"), QUEUE_ROLES, _queue_count("mine")),
    NavItem("queues.team", _l("Team tasks"), QUEUE_ROLES, _queue_count("team")),
    NavItem("queues.all", _l("All tasks"), ("supervisor",), _queue_count("all")),
    NavItem("dashboard.index", _l("Dashboard"), ("supervisor",)),
    NavItem("admin.users", _l("Users"), ("admin",)),
    NavItem("admin.offices", _l("Organisation"), ("admin",)),
    NavItem("admin.tokens", _l("API tokens"), ("admin",)),
    NavItem("admin.audit", _l("Audit log"), ("admin", "supervisor")),
    NavItem("forwarding.counter", _l("Counter"), ("branch_clerk",)),
    NavItem("forwarding.dispatch", _l("Internal mail"), ("branch_clerk",)),
    NavItem("forwarding.filing", _l("Filing"), ("branch_clerk",)),
    NavItem("forwarding.receive", _l("Receive mail"), ("ward_clerk",)),
    NavItem("forwarding.returns", _l("Return receipts"), ("ward_clerk",)),
    NavItem("forwarding.missing", _l("Missing documents"), ("supervisor",)),
    NavItem("forwarding.bag_list", _l("Bags"), ("supervisor",)),
    NavItem("forwarding.ledger", _l("Forwarding ledger"),
            ("branch_clerk", "ward_clerk", "supervisor")),
    NavItem("forwarding.admin_types", _l("Forwardable documents"), ("admin",)),
    NavItem("applications.index", _l("Online applications"), ("ward_clerk", "supervisor", "admin")),
    NavItem("applications.admin_procedures", _l("Procedures"), ("admin",)),
    NavItem("applications.admin_outbox", _l("Outbox"), ("admin",)),
    NavItem("postal.index", _l("Postal applications"), ("ward_clerk", "supervisor", "admin")),
    NavItem("postal.registers", _l("Postal registers"), ("ward_clerk", "supervisor", "admin")),
]


def visible_items(app: Flask) -> list[dict]:
    """The entries the current user may see, with their URLs."""
    if g.get("database_unavailable") or not current_user.is_authenticated:
        return []
    items = []
    for item in NAV:
        if item.endpoint not in app.view_functions:
            continue
        if item.roles and not current_user.has_role(*item.roles):
            continue
        items.append({"endpoint": item.endpoint, "label": item.label,
                      "url": url_for(item.endpoint),
                      "count": item.count() if item.count else None})
    return items


def url_with(**changes) -> str:
    """The current page's URL with some query arguments replaced."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    # The path's own arguments win over a query argument of the same name (?number=…).
    return url_for(request.endpoint, **{**args, **(request.view_args or {})})


def init_app(app: Flask) -> None:
    app.jinja_env.globals["url_with"] = url_with

    @app.context_processor
    def _nav():
        return {"nav_items": visible_items(app)}
