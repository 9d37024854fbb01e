"""Register filters from query arguments (screen and API) and the register exports."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from japan.wareki import format_datetime_ja
from models.user import User
from reports import postal_registers as report
from webapp import org
from webapp.forwarding.filters import Export  # same answer
from workflows import params
from workflows.failures import InvalidInput
from workflows.postal import registers
from workflows.postal.catalogue import by_code
from workflows.postal.registers import RegisterFilter

FORMATS = ("json", "xlsx", "pdf")
KINDS = ("intake", "dispatch")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_filter(args: MultiDict) -> RegisterFilter:
    """department, procedure (codes), from, to; InvalidInput names the bad ones."""
    errors: dict[str, list[str]] = {}
    department = org.department_by_code(args["department"]) if args.get("department") else None
    if args.get("department") and department is None:
        errors["department"] = [_("Unknown department code.")]
    found = by_code(args["procedure"]) if args.get("procedure") else None
    if args.get("procedure") and found is None:
        errors["procedure"] = [_("Unknown procedure: choose one accepted by post.")]
    start = params.date_field(args.get("from"), "from", errors)
    end = params.date_field(args.get("to"), "to", errors)
    if start and end and start > end:
        errors["to"] = [_("The end of the period is before its start.")]
    if errors:
        raise InvalidInput(_("The input has errors."), errors)
    return RegisterFilter(department.id if department else None,
                          found[0].id if found else None, start, end)


def rows(kind: str, user: User, f: RegisterFilter, limit: int | None = None) -> list[dict]:
    fetch = registers.intake_rows if kind == "intake" else registers.dispatch_rows
    return fetch(user, f, limit=limit)


def _file(kind: str, fmt: str, data_rows: list[dict], title: str, conditions: str,
          now: datetime, sheet: str) -> Export:
    stamp = f"{now:%Y%m%d}"
    if fmt == "xlsx":
        data = report.register_xlsx(kind, data_rows, title=title, conditions=conditions)
        return Export(data, XLSX, f"{sheet}_{stamp}.xlsx")
    if len(data_rows) > report.PDF_MAX_ROWS:
        raise InvalidInput(_("Too many lines to print."), {"format": [
            _("A printed ledger holds at most %(max)d lines: narrow the filter or export to "
              "Excel.", max=report.PDF_MAX_ROWS)]})
    data = report.register_pdf(kind, data_rows, title=title, conditions=conditions,
                               printed_at=now)
    return Export(data, "application/pdf", f"{sheet}_{stamp}.pdf")


def export(kind: str, user: User, f: RegisterFilter, fmt: str, now: datetime) -> Export:
    """The 郵送受付簿 or 発送簿 as xlsx or PDF."""
    sheet = report.INTAKE_TITLE if kind == "intake" else report.DISPATCH_TITLE
    limit = report.PDF_MAX_ROWS + 1 if fmt == "pdf" else None
    title = f"{sheet}（{format_datetime_ja(now)} 現在）"
    return _file(kind, fmt, rows(kind, user, f, limit), title, registers.conditions(f), now,
                 sheet)


def export_cash(user: User, department_id: int, day: date, fmt: str, now: datetime) -> Export:
    """The department's daily money-order list as xlsx or PDF."""
    data_rows = registers.money_order_rows(user, department_id, day)
    name = registers.department_name(department_id)
    title = f"{report.CASH_TITLE}（{name}　{day.isoformat()}）"
    return _file("cash", fmt, data_rows, title, f"担当課：{name}　受領日：{day.isoformat()}",
                 now, report.CASH_TITLE)
