"""The Madoguchi Flask application factory."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from webapp.config import load_config


def create_app(config: dict | None = None) -> Flask:
    """Create and configure the application; no side effects beyond the returned app."""
    from workflows.ast_lock import AST_LOCK

    with AST_LOCK:  # werkzeug compiles each URL rule with ast.parse (see workflows.ast_lock)
        app = _configured(config)
    if app.config["TIMER_THREAD"]:
        from webapp import background
        from webapp.jobs import run_minute

        background.start(app, "minute-jobs", run_minute)
    return app


def _configured(config: dict | None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_mapping(load_config(config))

    import models  # noqa: F401  (registers every table with the metadata)
    from webapp import database, errors, i18n, labels, navigation, request_guard, security
    from webapp.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    database.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    request_guard.init_app(app)
    navigation.init_app(app)
    labels.init_app(app)
    app.url_map.converters["int"] = _Id64Converter  # before any rule is added
    _register_blueprints(app)
    _register_cli(app)
    return app


class _Id64Converter(IntegerConverter):
    """``<int:…>`` ids past 64 bits are a 404: the database drivers overflow on them."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        from workflows.params import MAX_ID

        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    from webapp.admin import bp as admin_bp
    from webapp.api import bp as api_bp
    from webapp.applications import bp as applications_bp
    from webapp.auth import bp as auth_bp
    from webapp.cases import bp as cases_bp
    from webapp.dashboard import bp as dashboard_bp
    from webapp.forwarding import bp as forwarding_bp
    from webapp.health import bp as health_bp
    from webapp.home import bp as home_bp
    from webapp.portal import bp as portal_bp
    from webapp.postal import bp as postal_bp
    from webapp.queues import bp as queues_bp

    for bp in (health_bp, auth_bp, home_bp, cases_bp, admin_bp, api_bp, forwarding_bp,
               queues_bp, dashboard_bp, applications_bp, portal_bp, postal_bp):
        app.register_blueprint(bp)


def _register_cli(app: Flask) -> None:
    from webapp import cli

    cli.init_app(app)
