"""CLI: `flask --app wsgi outbox send` — bring applications in step, then deliver e-mail."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp.cli_workflows import _parse_now
from webapp.extensions import db
from workflows import notifications
from workflows.applications import sync

outbox_cli = AppGroup("outbox", help="Deliver queued e-mail (notices to applicants).")


def run_once(now) -> dict[str, int]:
    """Notices for timer-driven changes (reminders, expiry), then delivery with backoff."""
    counts = {"applications": sync.reconcile(now)}
    counts.update(notifications.deliver_due(now))
    db.session.remove()
    return counts


@outbox_cli.command("send")
@click.option("--now", "now_text", help="Pretend it is this time (ISO 8601 with zone).")
def send(now_text: str | None) -> None:
    """Catch up applications whose case moved (timers), then send due e-mail."""
    counts = run_once(_parse_now(now_text))
    mail = "" if notifications.mail_configured() else " (MAIL_SERVER not set: kept in outbox)"
    click.echo(f"applications {counts['applications']}, sent {counts['sent']}, "
               f"retry {counts['retry']}, failed {counts['failed']}, kept {counts['kept']}{mail}")


def init_app(app) -> None:
    app.cli.add_command(outbox_cli)
