"""In-process timer runner for `make run`: fires due timers every minute."""

from __future__ import annotations

import logging
import threading

from flask import Flask

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60


def start(app: Flask) -> threading.Thread:
    """Start a daemon thread that runs due timers every minute in its own app context."""
    stop = threading.Event()

    def loop() -> None:
        from models.base import utcnow
        from webapp.extensions import db
        from workflows.timers import run_due

        while not stop.wait(INTERVAL_SECONDS):
            with app.app_context():
                try:
                    counts = run_due(utcnow())
                    if counts["cases"]:
                        log.info("timers fired: %s", counts)
                except Exception:  # keep the thread alive; the next minute tries again
                    log.exception("timer run failed")
                    db.session.rollback()
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name="madoguchi-timers", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
