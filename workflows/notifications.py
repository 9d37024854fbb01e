"""E-mail through the outbox: written in the caller's transaction, delivered afterwards.

``enqueue`` adds a row to ``outbox_message`` in the same transaction as the change it reports,
so a notice is never lost because the process stopped after the change committed, and never
sent for a change that rolled back. ``deliver_due`` sends pending rows by SMTP when
``MAIL_SERVER`` is configured (``flask --app wsgi outbox send``, every minute from cron, or the
in-process runner of ``make run``); without it the messages stay pending and can be read on the
admin outbox page. A failed send is retried with exponential backoff (1, 2, 4 … minutes, at
most 6 hours apart) and given up after MAX_ATTEMPTS. A sender leases a row before sending, so
two senders never send the same message at the same time.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import bindparam, or_, select, update

from models.base import utcnow
from models.db import db
from models.outbox import OutboxMessage
from models.prepared import Prepared

MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)
_OUTBOX_COLUMNS = ("kind", "to_addr", "subject", "body", "status", "attempts", "next_attempt_at",
                   "created_at", "application_id", "applicant_id")
_INSERT = Prepared(OutboxMessage.__table__.insert().values(
    {name: bindparam(name) for name in _OUTBOX_COLUMNS}))

Sender = Callable[[OutboxMessage], None]


def enqueue(kind: str, to_addr: str, subject: str, body: str, *, application_id: int | None = None,
            applicant_id: int | None = None, now: datetime | None = None) -> None:
    """Add a plain-text message to the outbox in the current transaction."""
    now = now or utcnow()
    _INSERT.send(db.session.connection(), {
        "kind": kind, "to_addr": to_addr, "subject": subject[:200], "body": body,
        "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now,
        "application_id": application_id, "applicant_id": applicant_id})


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after `attempts` failures: 1, 2, 4 … minutes, ≤ 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def build_email(message: OutboxMessage) -> EmailMessage:
    """The MIME message: UTF-8 plain text only (HTML is never sent)."""
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message.to_addr
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=cfg["MAIL_FROM"].rpartition("@")[2] or None)
    email.set_content(message.body, subtype="plain", charset="utf-8")
    return email


def smtp_send(message: OutboxMessage) -> None:
    """Send one message with the configured SMTP server (raises on failure)."""
    cfg = current_app.config
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(build_email(message))


def _due(now: datetime, limit: int) -> list[int]:
    return list(db.session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def _lease(message_id: int, now: datetime) -> bool:
    result = db.session.execute(
        update(OutboxMessage).where(
            OutboxMessage.id == message_id, OutboxMessage.status == "pending",
            or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
        .values(lease_until=now + LEASE).execution_options(synchronize_session=False))
    return result.rowcount == 1


def deliver_due(now: datetime | None = None, *, limit: int = 200, send: Sender | None = None,
                commit: Callable[[], None] | None = None) -> dict[str, int]:
    """Send due messages, one transaction per message; returns counts."""
    now = now or utcnow()
    commit = commit or db.session.commit
    counts = {"sent": 0, "failed": 0, "retry": 0, "kept": 0}
    if send is None and not mail_configured():
        counts["kept"] = len(_due(now, limit))
        db.session.rollback()
        return counts
    send = send or smtp_send
    for message_id in _due(now, limit):
        if not _lease(message_id, now):
            db.session.rollback()
            continue
        commit()  # publish the lease before the (slow) network call
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        try:
            send(message)
        except Exception as exc:  # any SMTP/network error is retried later
            counts[_failed(message, exc, now)] += 1
        else:
            message.status, message.sent_at, message.last_error = "sent", utcnow(), None
            message.attempts += 1
            counts["sent"] += 1
        message.lease_until = None
        commit()
    return counts


def _failed(message: OutboxMessage, exc: Exception, now: datetime) -> str:
    message.attempts += 1
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
        return "failed"
    message.next_attempt_at = now + backoff(message.attempts)
    return "retry"


def retry_now(message: OutboxMessage, now: datetime | None = None) -> None:
    """Put a failed or waiting message back at the front of the queue (admin action)."""
    message.status = "pending"
    message.next_attempt_at = now or utcnow()
    message.lease_until = None


def list_messages(*, status: str = "", to_addr: str = "", page: int = 1,
                  per_page: int = 50) -> Pagination:
    """A page of outbox messages, newest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if status:
        query = query.where(OutboxMessage.status == status)
    if to_addr:
        query = query.where(OutboxMessage.to_addr == to_addr.strip().lower())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
