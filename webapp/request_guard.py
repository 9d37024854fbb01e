"""Refuse text with NUL characters before any route sees it.

PostgreSQL cannot store or even compare a string containing NUL (the driver raises on the bound
parameter), so ``?q=%00`` or ``{"name": "\\u0000"}`` was a 500 on PostgreSQL wherever the value
reached a query. No field of this application takes NUL, so it is refused once, here, naming
the field: 400 JSON under /api/, the error page elsewhere.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import gettext as _

from webapp.api.auth import json_error
from webapp.errors import abort_with, wants_json

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_deep_json)
    app.before_request(_refuse_nul)


def _refuse_deep_json():
    """Parse a JSON body once, here: json.loads raises RecursionError (not ValueError, which
    get_json(silent=True) would swallow) on deeply nested input, a 500 on every endpoint.
    The parsed body is cached on the request for the views."""
    if not request.is_json:
        return None
    try:
        request.get_json(silent=True)
    except RecursionError:
        message = _("The request body is nested too deeply.")
        if wants_json():
            return json_error(400, message, errors={"body": [message]})
        abort_with(400, message)
    return None


def _refuse_nul():
    field = _nul_field()
    if field is None:
        return None
    message = _("The input contains a character that is not allowed (NUL).")
    if wants_json():
        return json_error(400, message, errors={field: [message]})
    abort_with(400, message)
    return None


def _nul_field() -> str | None:
    if "\x00" in request.path:
        return "path"
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            return key.replace("\x00", "")
    if request.mimetype in _FORM_TYPES:  # file contents may hold NUL bytes: not checked
        for key, value in request.form.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return key.replace("\x00", "")
    elif request.is_json and b"\\u0000" in request.get_data(cache=True):
        return _json_field(request.get_json(silent=True), "body")
    return None


def _json_field(body: Any, top: str) -> str | None:
    """The first field holding NUL, walked with a stack (no recursion on deep input)."""
    stack = [(top, body)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return name
            continue
        if isinstance(value, list):
            items = [(f"{name}[{i}]", v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            items = [(k if name == top else f"{name}.{k}", v) for k, v in value.items()]
        else:
            continue
        for key, _item in items:
            if "\x00" in key:
                return key.replace("\x00", "")
        stack.extend(reversed(items))  # first field first, as before
    return None
