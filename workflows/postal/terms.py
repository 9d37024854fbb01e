"""Editing a procedure's postal terms (admin); every change audited with before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.audit import record
from models.base import utcnow
from models.db import db
from models.postal import PostalTerms
from models.procedure import CHANNELS, Procedure
from models.user import User

EDITABLE = ("enclosures", "fee", "fee_note", "money_order_accepted", "deadline_rule",
            "deadline_days", "deadline_basis", "reminder_days", "withdraw_days", "send_to")


def snapshot(terms: PostalTerms | None) -> dict[str, Any]:
    return {} if terms is None else {name: getattr(terms, name) for name in EDITABLE}


def save_terms(actor: User, procedure: Procedure, values: dict[str, Any],
               now: datetime | None = None) -> PostalTerms:
    """Create or change how a procedure is handled by post; it then takes postal channel."""
    now = now or utcnow()
    terms = db.session.get(PostalTerms, procedure.id)
    before = snapshot(terms)
    if terms is None:
        terms = PostalTerms(procedure_id=procedure.id)
        db.session.add(terms)
    for name in EDITABLE:
        setattr(terms, name, values[name])
    terms.updated_at = now
    if "postal" not in (procedure.channels or []):
        procedure.channels = [c for c in CHANNELS if c in {*(procedure.channels or []), "postal"}]
        procedure.updated_at = now
    db.session.flush()
    after = snapshot(terms)
    record("postal_terms_created" if not before else "postal_terms_updated", "procedure",
           procedure.id, actor=actor, at=now,
           details={"before": before, "after": after,
                    "changed": sorted(k for k in after if before.get(k) != after[k])})
    return terms
