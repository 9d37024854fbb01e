"""Who may see an application: its applicant, and staff allowed to see its case.

An applicant asking for an application that is not theirs gets the same answer as for one
that does not exist (the caller answers 404, never 403), and the attempt is audited.
"""

from __future__ import annotations

from sqlalchemy import select

from models.applicant import Applicant
from models.application import Application
from models.attachment import Attachment
from models.audit import record
from models.db import db
from models.user import User
from workflows.permissions import can_view_case


def owns(applicant: Applicant, application: Application) -> bool:
    """Portal applications belong to their account; API ones to the confirmed same address."""
    if application.applicant_id is not None:
        return application.applicant_id == applicant.id
    return applicant.verified and application.channel == "api" \
        and application.applicant_email == applicant.email


def _refused(applicant: Applicant, ref: str, application: Application | None,
             ip: str | None) -> None:
    record("application_access_refused", "application",
           application.id if application else None, actor_name=applicant.audit_name, ip=ip,
           details={"ref": (ref or "")[:40],
                    "reason": "not_owner" if application else "not_found"})


def applicant_application(applicant: Applicant, number: str, *,
                          ip: str | None = None) -> Application | None:
    """The applicant's submitted application by number (None, audited, for anyone else's)."""
    application = db.session.scalar(select(Application).where(Application.number == number)) \
        if number.isdigit() and len(number) == 8 else None
    if application is None or not owns(applicant, application):
        _refused(applicant, number, application, ip)
        return None
    return application


def applicant_draft(applicant: Applicant, key: str, *, ip: str | None = None
                    ) -> Application | None:
    """The applicant's draft by its random key (None, audited, for anyone else's)."""
    application = db.session.scalar(select(Application).where(Application.draft_key == key)) \
        if 10 <= len(key) <= 32 else None
    if application is None or application.applicant_id != applicant.id:
        _refused(applicant, key, application, ip)
        return None
    return application


def attachment_of(application: Application, attachment_id: int, *,
                  staff: bool) -> Attachment | None:
    """An attachment of the application; replaced ones only for staff."""
    row = db.session.get(Attachment, attachment_id)
    if row is None or row.application_id != application.id:
        return None
    return row if staff or row.replaced_at is None else None


def staff_can_view(user: User, application: Application) -> bool:
    return application.case is not None and can_view_case(user, application.case)
