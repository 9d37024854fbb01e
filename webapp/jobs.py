"""The minute jobs: fire due timers, catch applications up, then deliver the e-mail outbox."""

from __future__ import annotations

from datetime import datetime

from workflows import notifications, timers
from workflows.applications import sync


def deliver_outbox(now: datetime) -> dict[str, int]:
    """Notices for timer-driven changes (reminders, expiry), then delivery with backoff."""
    counts = {"applications": sync.reconcile(now)}
    counts.update(notifications.deliver_due(now))
    return counts


def run_minute(now: datetime) -> dict[str, int]:
    """Everything that must happen every minute, in the order the notices depend on."""
    counts = timers.run_due(now)
    counts.update(deliver_outbox(now))
    return counts


def outbox_summary(counts: dict[str, int]) -> str:
    """One line for the CLI: what was caught up, sent, retried, given up or kept."""
    mail = "" if notifications.mail_configured() else " (MAIL_SERVER not set: kept in outbox)"
    return (f"applications {counts['applications']}, sent {counts['sent']}, "
            f"retry {counts['retry']}, failed {counts['failed']}, kept {counts['kept']}{mail}")
