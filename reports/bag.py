"""The internal-mail bag list (庁内便 送付票) that travels with the bag."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reports.pdf import render_template_pdf
from reports.receipt import qr_data_uri


@dataclass(frozen=True)
class BagItemView:
    number: str
    type_name: str
    sheets: int
    resident_name: str


@dataclass(frozen=True)
class BagView:
    number: str
    office: str
    department: str
    dispatched_at: datetime
    dispatched_by: str
    items: tuple[BagItemView, ...]
    qr: str  # the bag number itself, for a scanner at the department

    @property
    def sheets(self) -> int:
        return sum(item.sheets for item in self.items)


def bag_view(bag) -> BagView:
    """The printable facts of one bag (a models.bag.Bag)."""
    items = tuple(BagItemView(i.number, i.line.document_type.name, i.line.sheets,
                              i.line.receipt.resident_name)
                  for i in bag.items if i.listed and i.line is not None)
    return BagView(bag.number, bag.office.name, bag.department.name, bag.dispatched_at,
                   bag.dispatched_by.display_name if bag.dispatched_by else "", items,
                   qr_data_uri(bag.number))


def render_bag(view: BagView) -> bytes:
    return render_template_pdf("forwarding/bag.html", bag=view)
