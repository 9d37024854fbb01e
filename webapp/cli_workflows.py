"""CLI: `flask --app wsgi processes deploy|list` and `flask --app wsgi timers run-due`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

from models.base import utcnow
from webapp.extensions import db
from webapp.jobs import deliver_outbox, outbox_summary
from workflows import registry, timers
from workflows.failures import DeployRejected

processes_cli = AppGroup("processes", help="Deploy and list BPMN processes.")
timers_cli = AppGroup("timers", help="Fire due BPMN timers.")

MAX_FILE_BYTES = 2_000_000


@processes_cli.command("deploy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def deploy(paths: tuple[str, ...]) -> None:
    """Validate and deploy BPMN/DMN files; prints `<process_id> <version>` per process."""
    files = {}
    for path in map(Path, paths):
        if path.stat().st_size > MAX_FILE_BYTES:
            raise click.ClickException(f"{path.name}: larger than {MAX_FILE_BYTES} bytes")
        files[path.name] = path.read_bytes()
    try:
        results = registry.deploy(files, None)
    except DeployRejected as exc:
        db.session.rollback()
        for problem in exc.problems:
            where = ":".join(p for p in (problem.file, problem.element_id) if p)
            click.echo(f"{where or '-'}: {problem.message}", err=True)
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    for result in results:
        click.echo(f"{result.process_id} {result.version}")


@processes_cli.command("list")
def list_processes() -> None:
    """List deployed versions: process id, version, sha256 prefix, deployed at."""
    for v in registry.list_versions():
        click.echo(f"{v.process_id}\t{v.version}\t{v.sha256[:12]}\t{v.deployed_at:%Y-%m-%d %H:%M}"
                   f"\t{v.name}")


def parse_now(value: str | None) -> datetime:
    if not value:
        return utcnow()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use ISO 8601, e.g. 2026-04-01T09:00:00+09:00") from exc
    if parsed.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. +09:00")
    return parsed


@timers_cli.command("run-due")
@click.option("--now", "now_text", help="Pretend it is this time (ISO 8601 with zone).")
@click.option("--limit", default=10_000, show_default=True, help="At most this many cases.")
def run_due(now_text: str | None, limit: int) -> None:
    """Advance the cases whose timers are due (one transaction per case), then send e-mail."""
    now = parse_now(now_text)
    counts = timers.run_due(now, limit=limit)
    click.echo(f"cases {counts['cases']}, timers {counts['timers']}, "
               f"conflicts {counts['conflicts']}; " + outbox_summary(deliver_outbox(now)))


def init_app(app) -> None:
    app.cli.add_command(processes_cli)
    app.cli.add_command(timers_cli)
