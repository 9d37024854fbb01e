"""The navigation bar: each entry is shown only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple[str, ...] = ()  # empty: every signed-in user


NAV = [
    NavItem("home.index", _l("Home")),
    NavItem("admin.users", _l("Users"), ("admin",)),
    NavItem("admin.offices", _l("Organisation"), ("admin",)),
    NavItem("admin.tokens", _l("API tokens"), ("admin",)),
    NavItem("admin.audit", _l("Audit log"), ("admin", "supervisor")),
]


def visible_items(app: Flask) -> list[dict]:
    """The entries the current user may see, with their URLs."""
    if not current_user.is_authenticated:
        return []
    items = []
    for item in NAV:
        if item.endpoint not in app.view_functions:
            continue
        if item.roles and not current_user.has_role(*item.roles):
            continue
        items.append({"endpoint": item.endpoint, "label": item.label,
                      "url": url_for(item.endpoint)})
    return items


def url_with(**changes) -> str:
    """The current page's URL with some query arguments replaced."""
    args = request.args.to_dict()
    args.update({k: v for k, v in changes.items() if v is not None})
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["url_with"] = url_with

    @app.context_processor
    def _nav():
        return {"nav_items": visible_items(app)}
