"""The postal side of the procedure catalogue: which procedures are accepted by post."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from models.db import db
from models.postal import PostalTerms
from models.procedure import Procedure


def postal_procedures(department_ids: set[int] | None = None) -> list[Procedure]:
    """Active procedures with postal terms (optionally of some departments), in order."""
    query = select(Procedure).join(PostalTerms, PostalTerms.procedure_id == Procedure.id) \
        .where(Procedure.active.is_(True)).options(joinedload(Procedure.department))
    if department_ids is not None:
        query = query.where(Procedure.department_id.in_(department_ids))
    return list(db.session.scalars(query.order_by(Procedure.position, Procedure.code)))


def by_code(code: str) -> tuple[Procedure, PostalTerms] | None:
    """An active procedure accepted by post, with its terms; None when there is none."""
    row = db.session.execute(
        select(Procedure, PostalTerms).join(PostalTerms, PostalTerms.procedure_id == Procedure.id)
        .where(Procedure.code == code, Procedure.active.is_(True))).first()
    return (row[0], row[1]) if row else None


def terms_of(procedure: Procedure) -> PostalTerms | None:
    return db.session.get(PostalTerms, procedure.id)


def describe(procedure: Procedure, terms: PostalTerms) -> dict[str, Any]:
    """The postal terms as JSON (API) and for the registration screen."""
    return {"code": procedure.code, "name": procedure.name,
            "department": procedure.department.code if procedure.department else None,
            "department_name": procedure.department.name if procedure.department else None,
            "enclosures": list(terms.enclosures or []), "fee": terms.fee,
            "fee_note": terms.fee_note, "money_order_accepted": terms.money_order_accepted,
            "deadline_rule": terms.deadline_rule, "deadline_days": terms.deadline_days,
            "deadline_basis": terms.deadline_basis, "reminder_days": terms.reminder_days,
            "withdraw_days": terms.withdraw_days}
