"""Letters to postal applicants: the correction request (補正依頼) and the reminder (督促).

A4 portrait for a window envelope (長形3号): the address block sits where the window is, so
the letter needs no separate address label.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reports.pdf import render_template_pdf

TITLES = {"correction": "申請書類の補正について（依頼）",
          "reminder": "申請書類の補正について（再依頼）"}


@dataclass(frozen=True)
class LetterView:
    kind: str  # correction | reminder
    case_number: str
    intake_number: str
    issued_on: date
    recipient_postal_code: str
    recipient_address: str
    recipient_name: str
    procedure: str
    received_on: date
    missing: tuple[str, ...]
    message: str
    due_date: date | None
    send_to: str
    department: str
    contact_phone: str = ""

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def render_letter(view: LetterView) -> bytes:
    """The letter as a one-page A4 PDF with embedded Japanese fonts."""
    return render_template_pdf("postal/letter.html", letter=view)
