"""Locale selection and date filters (Gregorian date with the Japanese era beside it)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from japan.wareki import format_date_ja, format_datetime_ja
from models.user import ROLE_LABELS
from webapp.extensions import babel


def select_locale() -> str:
    """Signed-in staff get their own language; others ?lang=, a cookie, or Japanese."""
    supported = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in supported:
        return user_locale
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        if candidate in supported:
            return candidate
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def date_ja(value) -> str:
    """Jinja filter: `2025-01-06（令和7年1月6日）`; empty for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return format_date_ja(format_datetime_date(value))
    if isinstance(value, date):
        return format_date_ja(value)
    return str(value)


def format_datetime_date(value: datetime) -> date:
    from japan.calendar import to_jst

    return to_jst(value).date()


def datetime_ja(value) -> str:
    """Jinja filter: JST date and time with the era date."""
    return "" if value is None else format_datetime_ja(value)


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date_ja"] = date_ja
    app.jinja_env.filters["datetime_ja"] = datetime_ja
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "ja")
    app.jinja_env.globals["role_label"] = lambda role: ROLE_LABELS.get(role, role)
