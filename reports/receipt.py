"""Custody receipt (預かり書: 原本 and 控え on one A4 sheet) and the not-forwardable slip."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import segno

from reports.pdf import render_template_pdf

# Up to this many documents both parts share one A4 sheet; more and each part gets a page.
LINES_PER_HALF = 6


@dataclass(frozen=True)
class LineView:
    number: str
    type_name: str
    sheets: int
    cancelled: bool = False


@dataclass(frozen=True)
class ReceiptView:
    office: str
    department: str
    ward_office: str
    issued_at: datetime
    issued_by: str
    resident_name: str
    resident_kana: str
    phone: str
    remarks: str
    case_number: str
    lines: tuple[LineView, ...]
    qr: str  # data: URI of the QR code that opens the case

    @property
    def split(self) -> bool:
        return len(self.lines) > LINES_PER_HALF


def qr_data_uri(text: str) -> str:
    """A PNG QR code as a data: URI (no files, no network; PNG draws faster than SVG)."""
    return segno.make(text, error="m").png_data_uri(scale=4, border=1)


def receipt_view(receipt, case_url: str) -> ReceiptView:
    """The printable facts of one receipt (a models.receipt.Receipt)."""
    return ReceiptView(
        office=receipt.office.name, department=receipt.department.name,
        ward_office=receipt.department.office.name, issued_at=receipt.issued_at,
        issued_by=receipt.issued_by.display_name if receipt.issued_by else "",
        resident_name=receipt.resident_name, resident_kana=receipt.resident_kana,
        phone=receipt.phone, remarks=receipt.remarks,
        case_number=receipt.case.number if receipt.case else "",
        lines=tuple(LineView(line.number, line.document_type.name, line.sheets,
                             line.status == "cancelled") for line in receipt.lines),
        qr=qr_data_uri(case_url))


def render_receipts(views: list[ReceiptView]) -> bytes:
    """One A4 sheet (原本 above, 控え below) per receipt."""
    return render_template_pdf("forwarding/receipt.html", receipts=views)


@dataclass(frozen=True)
class SlipView:
    office: str
    ward_office: str
    department: str
    type_name: str
    reason: str
    resident_name: str
    printed_at: datetime


def render_slip(view: SlipView) -> bytes:
    """A slip telling the resident where to take a document that cannot be forwarded."""
    return render_template_pdf("forwarding/slip.html", slip=view)
