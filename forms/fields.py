"""The project's number and date fields, bounded to what the database and date arithmetic hold.

WTForms accepts any integer and any date. A 20-digit number overflows both database drivers
(64-bit integers) and 9999-12-31 overflows as soon as a deadline adds a day; both were 500s.
Every form imports these instead of WTForms' own, so a value out of range is a field error.
"""

from __future__ import annotations

import wtforms
from flask_babel import lazy_gettext as _l

from workflows.params import MAX_ID, in_date_range


class IntegerField(wtforms.IntegerField):
    def process_formdata(self, valuelist) -> None:
        super().process_formdata(valuelist)
        if self.data is not None and not -MAX_ID <= self.data <= MAX_ID:
            self.data = None
            raise ValueError(str(_l("Enter a number in the allowed range.")))


class DateField(wtforms.DateField):
    parse_message = None  # replaces WTForms' message for text that is no date, when set

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            if self.parse_message is None:
                raise
            raise ValueError(str(self.parse_message)) from exc
        if self.data is not None and not in_date_range(self.data):
            self.data = None
            raise ValueError(str(_l("Enter a date within the allowed range.")))
