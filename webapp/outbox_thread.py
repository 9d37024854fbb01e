"""In-process outbox runner for `make run`: notices and e-mail every minute (like timers)."""

from __future__ import annotations

import logging
import threading

from flask import Flask

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60


def start(app: Flask) -> threading.Thread:
    """Start a daemon thread running `outbox send` every minute in its own app context."""
    stop = threading.Event()

    def loop() -> None:
        from models.base import utcnow
        from webapp.cli_applications import run_once
        from webapp.extensions import db

        while not stop.wait(INTERVAL_SECONDS):
            with app.app_context():
                try:
                    counts = run_once(utcnow())
                    if counts["applications"] or counts["sent"] or counts["failed"]:
                        log.info("outbox: %s", counts)
                except Exception:  # keep the thread alive; the next minute tries again
                    log.exception("outbox run failed")
                    db.session.rollback()
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name="madoguchi-outbox", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
