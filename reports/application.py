"""申請内容の控え: a printable copy of an application (fields, files, correction rounds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reports.pdf import render_template_pdf


@dataclass(frozen=True)
class SummaryView:
    procedure: str
    organisation: str
    number: str
    status: str
    submitted_at: datetime | None
    applicant: str
    rows: tuple[tuple[str, str], ...]
    files: tuple[str, ...]
    rounds: tuple[tuple[int, datetime, str, str], ...]  # number, returned at, asked, outcome
    printed_at: datetime


def summary_view(application, *, staff: bool) -> SummaryView:
    """The printable facts of one application (a models.application.Application)."""
    from models.application import APPLICATION_STATUS_LABELS
    from models.base import utcnow
    from workflows.applications import queries

    rounds = tuple((r.number, r.returned_at, r.message, r.outcome)
                   for r in queries.rounds(application))
    return SummaryView(
        procedure=application.procedure.name, organisation=application.procedure.organisation,
        number=application.number or "", submitted_at=application.submitted_at,
        status=str(APPLICATION_STATUS_LABELS.get(application.status, application.status)),
        applicant=application.applicant_name,
        rows=tuple((r.label, r.text) for r in queries.field_rows(application)),
        files=tuple(f.filename for f in queries.attachments(application, staff=staff)),
        rounds=rounds, printed_at=utcnow())


def render_summary(view: SummaryView) -> bytes:
    """One A4 document; every value is escaped by the template (autoescape)."""
    return render_template_pdf("applications/summary.html", summary=view)
