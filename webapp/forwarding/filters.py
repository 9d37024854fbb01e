"""Ledger filters from query arguments (screen and API) and the ledger exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from japan.wareki import format_datetime_ja
from models.document_type import DocumentType
from models.office import Department, Office
from models.receipt import LINE_STATUSES
from models.user import User
from reports import ledger as ledger_report
from webapp import org
from webapp.extensions import db
from workflows import params
from workflows.failures import InvalidInput
from workflows.forwarding import catalogue
from workflows.forwarding.ledger import LedgerFilter, export_rows

STATUS_JA = {**ledger_report.STATUS_JA, "overdue": "期限超過"}
FORMATS = ("json", "xlsx", "pdf")


@dataclass(frozen=True)
class Export:
    data: bytes
    mimetype: str
    filename: str


def parse_filter(args: MultiDict) -> LedgerFilter:
    """office, department, type (codes), status, from, to; InvalidInput names bad ones."""
    errors: dict[str, list[str]] = {}
    office = org.office_by_code(args["office"]) if args.get("office") else None
    if args.get("office") and office is None:
        errors["office"] = [_("Unknown office code.")]
    department = org.department_by_code(args["department"]) if args.get("department") else None
    if args.get("department") and department is None:
        errors["department"] = [_("Unknown department code.")]
    doc_type = catalogue.type_by_code(args["type"]) if args.get("type") else None
    if args.get("type") and doc_type is None:
        errors["type"] = [_("Unknown document type %(code)s.", code=args["type"])]
    status = args.get("status") or None
    if status and status not in (*LINE_STATUSES, "overdue"):
        errors["status"] = [_("Unknown status.")]
    start = params.date_field(args.get("from"), "from", errors)
    end = params.date_field(args.get("to"), "to", errors)
    if start and end and start > end:
        errors["to"] = [_("The end of the period is before its start.")]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    return LedgerFilter(office.id if office else None, department.id if department else None,
                        doc_type.id if doc_type else None, status, start, end)


def conditions(f: LedgerFilter) -> str:
    """The filter in words, printed under the ledger's title."""
    def name(model, ident):
        return db.session.get(model, ident).name if ident else "すべて"

    period = f"{f.date_from or ''}〜{f.date_to or ''}" if f.date_from or f.date_to else "すべて"
    return (f"支所：{name(Office, f.office_id)}　担当課：{name(Department, f.department_id)}　"
            f"書類：{name(DocumentType, f.type_id)}　状態：{STATUS_JA.get(f.status, 'すべて')}　"
            f"期間：{period}")


def export(user: User, f: LedgerFilter, fmt: str, now: datetime) -> Export:
    """The ledger as xlsx or PDF; a PDF of more than PDF_MAX_ROWS lines is refused (422)."""
    title = f"回送管理簿（{format_datetime_ja(now)} 現在）"
    stamp = f"{now:%Y%m%d}"
    if fmt == "xlsx":
        data = ledger_report.ledger_xlsx(export_rows(user, f, now), title=title,
                                         conditions=conditions(f))
        return Export(data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      f"回送管理簿_{stamp}.xlsx")
    rows = list(export_rows(user, f, now, limit=ledger_report.PDF_MAX_ROWS + 1))
    if len(rows) > ledger_report.PDF_MAX_ROWS:
        raise InvalidInput(_("Too many lines to print."), {"format": [
            _("A printed ledger holds at most %(max)d lines: narrow the filter or export to "
              "Excel.", max=ledger_report.PDF_MAX_ROWS)]})
    data = ledger_report.ledger_pdf(rows, title=title, conditions=conditions(f), printed_at=now)
    return Export(data, "application/pdf", f"回送管理簿_{stamp}.pdf")
