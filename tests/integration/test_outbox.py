"""E-mail outbox: written with the change, sent afterwards, retried with backoff."""

from datetime import timedelta

import pytest

from models.outbox import OutboxMessage
from tests.support.applications import T0, count, outbox
from workflows import notifications


class FakeSMTP:
    """Stands in for smtplib.SMTP; records what would have been sent."""

    sent: list = []
    fail_with: Exception | None = None

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context=None):
        self.tls = True

    def login(self, user, password):
        self.user = user

    def send_message(self, message):
        if FakeSMTP.fail_with:
            raise FakeSMTP.fail_with
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    monkeypatch.setattr(notifications.smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent, FakeSMTP.fail_with = [], None
    app.config.update(MAIL_SERVER="smtp.example.jp", MAIL_PORT=587, MAIL_USE_TLS=True,
                      MAIL_USERNAME="u", MAIL_FROM="kawasaki-sinsei@example.jp")
    return FakeSMTP


def test_a_message_is_written_in_the_callers_transaction(app, session):
    notifications.enqueue("login", "a@example.jp", "件名", "本文", now=T0)
    session.rollback()  # the change it reported did not happen: no e-mail either
    assert count(OutboxMessage) == 0
    notifications.enqueue("login", "a@example.jp", "件名", "本文", now=T0)
    session.commit()
    assert count(OutboxMessage, OutboxMessage.status == "pending") == 1


def test_without_mail_server_messages_are_kept(app, session):
    notifications.enqueue("login", "a@example.jp", "件名", "本文", now=T0)
    session.commit()
    assert notifications.deliver_due(T0)["kept"] == 1
    assert outbox()[0].status == "pending"


def test_sent_as_plain_utf8_text_with_markup_left_as_text(smtp, session):
    body = "川崎 様\n<script>alert(1)</script> & <b>太字</b>\n"
    notifications.enqueue("accepted", "a@example.jp", "申請を受理しました", body, now=T0)
    session.commit()
    assert notifications.deliver_due(T0)["sent"] == 1
    [message] = smtp.sent
    assert message["To"] == "a@example.jp" and message["From"] == "kawasaki-sinsei@example.jp"
    assert message["Subject"] == "申請を受理しました"
    assert message.get_content_type() == "text/plain" and not message.is_multipart()
    assert message.get_content_charset() == "utf-8"
    assert message.get_content() == body  # no HTML, nothing interpreted
    session.expire_all()
    assert outbox()[0].status == "sent" and outbox()[0].sent_at is not None
    assert notifications.deliver_due(T0 + timedelta(minutes=1))["sent"] == 0  # never twice


def test_failures_are_retried_with_backoff_then_given_up(smtp, session):
    notifications.enqueue("login", "a@example.jp", "件名", "本文", now=T0)
    session.commit()
    smtp.fail_with = ConnectionRefusedError("connection refused")
    assert notifications.deliver_due(T0)["retry"] == 1
    session.expire_all()
    [message] = outbox()
    assert message.attempts == 1 and "connection refused" in message.last_error
    assert message.next_attempt_at == T0 + timedelta(minutes=1)
    assert notifications.deliver_due(T0 + timedelta(seconds=30))["retry"] == 0  # not yet due
    now = T0
    for attempt in range(2, notifications.MAX_ATTEMPTS + 1):
        now = now + notifications.backoff(attempt - 1)
        notifications.deliver_due(now)
    session.expire_all()
    assert outbox()[0].status == "failed" and outbox()[0].attempts == notifications.MAX_ATTEMPTS
    assert notifications.backoff(4) == timedelta(minutes=8)
    assert notifications.backoff(20) == timedelta(hours=6)
    notifications.retry_now(outbox()[0], now)
    session.commit()
    smtp.fail_with = None
    assert notifications.deliver_due(now)["sent"] == 1


def test_the_cli_reconciles_then_delivers(app, session, smtp):
    notifications.enqueue("login", "a@example.jp", "件名", "本文", now=T0)
    session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send", "--now",
                                                "2026-06-01T10:00:00+09:00"])
    assert result.exit_code == 0, result.output
    assert "applications 0, sent 1" in result.output


def test_the_timer_runner_retries_a_failed_send(app, session, smtp):
    notifications.enqueue("login", "a@example.jp", "件名", "本文", now=T0)
    session.commit()
    smtp.fail_with = ConnectionRefusedError("connection refused")
    notifications.deliver_due(T0)
    smtp.fail_with = None
    later = (T0 + timedelta(minutes=2)).isoformat()
    result = app.test_cli_runner().invoke(args=["timers", "run-due", "--now", later])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("cases 0") and "sent 1" in result.output
    session.expire_all()
    assert outbox()[0].status == "sent" and len(smtp.sent) == 1
