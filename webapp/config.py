"""Configuration read from the environment (and overridable by create_app(config=...))."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

from webapp.sqlite_writers import WriterQueue, connection_class

ROOT = Path(__file__).resolve().parent.parent
SQLITE_BUSY_SECONDS = 15  # how long a SQLite writer waits for the write lock


class ConfigError(RuntimeError):
    """Raised when the environment cannot yield a safe configuration."""


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def load_config(overrides: dict | None = None) -> dict:
    """Build the Flask config from environment variables, then apply overrides."""
    env = os.environ
    instance = Path(env.get("MADOGUCHI_INSTANCE", ROOT / "instance"))
    cfg: dict = {
        "MADOGUCHI_DEMO": _truthy(env.get("MADOGUCHI_DEMO")),
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL")
        or f"sqlite:///{instance / 'madoguchi.sqlite3'}",
        "INSTANCE_DIR": str(instance),
        "ATTACHMENT_DIR": env.get("ATTACHMENT_DIR", str(instance / "attachments")),
        "BABEL_DEFAULT_LOCALE": "ja",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Tokyo",
        "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "webapp" / "translations"),
        "LANGUAGES": ["ja", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _truthy(env.get("SESSION_COOKIE_SECURE")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "PASSWORD_MIN_LENGTH": 4 if _truthy(env.get("MADOGUCHI_DEMO")) else 10,
        "PASSWORD_HASH_METHOD": "scrypt",
        "LOCKOUT_THRESHOLD": 5,
        "LOCKOUT_MINUTES": 15,
        "SCHEMA_CHECK": True,
        "TIMER_THREAD": _truthy(env.get("MADOGUCHI_TIMER_THREAD")),
        "PREFERRED_URL_SCHEME": env.get("PREFERRED_URL_SCHEME", "http"),
        # Online applications: e-mail through the outbox (SMTP only when MAIL_SERVER is set),
        # links in e-mails, and the applicant portal's sign-in limits.
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT") or 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _truthy(env.get("MAIL_USE_TLS")),
        "MAIL_FROM": env.get("MAIL_FROM", "no-reply@madoguchi.invalid"),
        "MAIL_TIMEOUT": 20,
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "MAIL_SIGNATURE": env.get("MAIL_SIGNATURE", ""),
        "APPLICATION_NUMBER_KEY": env.get("APPLICATION_NUMBER_KEY", ""),
    }
    cfg.update(overrides or {})
    _check(cfg)
    cfg["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(cfg["SQLALCHEMY_DATABASE_URI"])
    return cfg


def _check(cfg: dict) -> None:
    if not cfg.get("SECRET_KEY"):
        if not cfg["MADOGUCHI_DEMO"]:
            raise ConfigError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
                "value (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`), "
                "or set MADOGUCHI_DEMO=1 for a demo environment."
            )
        cfg["SECRET_KEY"] = "madoguchi-demo-only-secret"


def engine_options(url: str) -> dict:
    """Engine options per backend: SQLite gets a busy timeout and a writers' queue (for a
    database file), PostgreSQL a pool (its idle connections are pinged before use: see
    webapp.database)."""
    if url.startswith("sqlite"):
        options = {"connect_args": {"timeout": SQLITE_BUSY_SECONDS, "check_same_thread": False}}
        database = make_url(url).database
        if database and database != ":memory:":
            queue = WriterQueue(database, SQLITE_BUSY_SECONDS)
            options["connect_args"]["factory"] = connection_class(queue)
        return options
    return {"pool_size": 5, "max_overflow": 10}
