"""Flask CLI commands: `flask --app wsgi <command>`. Each command commits once at its end."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from models.api_token import ApiToken
from webapp import accounts, org, seed, seed_applications, seed_forwarding
from webapp.extensions import db
from workflows import registry

tokens_cli = AppGroup("tokens", help="Create, list and revoke API tokens.")
users_cli = AppGroup("users", help="Manage staff users.")


def _fail(message: str) -> None:
    raise click.ClickException(message)


@click.command("seed-demo")
def seed_demo() -> None:
    """Load the demo organisation and users (only with MADOGUCHI_DEMO=1); idempotent."""
    if not current_app.config["MADOGUCHI_DEMO"]:
        _fail("seed-demo only runs in a demo environment: set MADOGUCHI_DEMO=1.")
    counts = seed.seed_org()
    users = seed.seed_demo_users()
    types = seed_forwarding.seed_catalogue()
    procedures = seed_applications.seed_catalogue()
    deployed = registry.deploy_builtin()
    db.session.commit()
    click.echo(f"offices +{counts['offices']}, departments +{counts['departments']}, "
               f"users +{len(users)}, processes +{sum(d.created for d in deployed)}, "
               f"document types +{types}, procedures +{procedures}")


@click.command("seed-org")
def seed_org() -> None:
    """Create the standard offices and departments (safe in production); idempotent."""
    counts = seed.seed_org()
    db.session.commit()
    click.echo(f"offices +{counts['offices']}, departments +{counts['departments']}")


@tokens_cli.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
def tokens_create(username: str, name: str) -> None:
    """Create a token for USERNAME and print it once."""
    user = accounts.find_user(username)
    if user is None or not user.active:
        _fail(f"No active user {username!r}.")
    _token, raw = accounts.create_token(None, user, name)
    db.session.commit()
    click.echo(raw)


@tokens_cli.command("list")
def tokens_list() -> None:
    """List tokens (never their values)."""
    for t in accounts.list_tokens():
        state = "active" if t.active else f"revoked {t.revoked_at:%Y-%m-%d}"
        click.echo(f"{t.id}\t{t.hint}…\t{t.user.username}\t{t.name}\t{state}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke the token with TOKEN_ID (see `tokens list`)."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id))
    if token is None:
        _fail(f"No token {token_id}.")
    accounts.revoke_token(None, token)
    db.session.commit()
    click.echo(f"revoked {token_id}")


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True)
@click.option("--office", "office_code", required=True, help="Office code, e.g. KAWASAKI.")
@click.option("--role", "roles", multiple=True, required=True)
@click.option("--department", "dept_codes", multiple=True)
@click.password_option()
def users_create(username, display_name, office_code, roles, dept_codes, password) -> None:
    """Create a staff user (e.g. the first admin of a production system)."""
    office = org.office_by_code(office_code)
    if office is None:
        _fail(f"No office {office_code!r}; run `flask --app wsgi seed-org` first.")
    departments = [org.department_by_code(c) for c in dept_codes]
    if None in departments:
        _fail("Unknown department code.")
    if accounts.find_user(username):
        _fail(f"User {username!r} already exists.")
    accounts.create_user(None, username=username, display_name=display_name, password=password,
                         office=office, departments=departments, roles=list(roles))
    db.session.commit()
    click.echo(f"created {username}")


def init_app(app: Flask) -> None:
    from webapp import cli_applications, cli_workflows

    for command in (seed_demo, seed_org, tokens_cli, users_cli):
        app.cli.add_command(command)
    cli_workflows.init_app(app)
    cli_applications.init_app(app)
