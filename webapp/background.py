"""In-process periodic jobs for `make run`: due timers and the e-mail outbox, every minute."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from flask import Flask

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 60


def start(app: Flask, name: str, job: Callable[[datetime], dict]) -> threading.Thread:
    """Run job(now) every minute in a daemon thread, each run in its own app context."""
    stop = threading.Event()

    def loop() -> None:
        from models.base import utcnow
        from webapp.extensions import db

        while not stop.wait(INTERVAL_SECONDS):
            with app.app_context():
                try:
                    counts = job(utcnow())
                    if any(counts.values()):
                        log.info("%s: %s", name, counts)
                except Exception:  # keep the thread alive; the next minute tries again
                    log.exception("%s run failed", name)
                    db.session.rollback()
                finally:
                    db.session.remove()

    thread = threading.Thread(target=loop, name=f"madoguchi-{name}", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
