"""CLI: `flask --app wsgi outbox send` — bring applications in step, then deliver e-mail."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp.cli_workflows import parse_now
from webapp.jobs import deliver_outbox, outbox_summary

outbox_cli = AppGroup("outbox", help="Deliver queued e-mail (notices to applicants).")


@outbox_cli.command("send")
@click.option("--now", "now_text", help="Pretend it is this time (ISO 8601 with zone).")
def send(now_text: str | None) -> None:
    """Catch up applications whose case moved (timers), then send due e-mail."""
    click.echo(outbox_summary(deliver_outbox(parse_now(now_text))))


def init_app(app) -> None:
    app.cli.add_command(outbox_cli)
