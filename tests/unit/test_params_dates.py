"""params.date_field: the one date parser of filters, forms and JSON bodies."""

from datetime import date

from flask import Flask
from flask_babel import Babel

from workflows import params


def _parse(value, required=False):
    app = Flask(__name__)
    Babel(app, default_locale="en")
    errors: dict[str, list[str]] = {}
    with app.test_request_context():
        return params.date_field(value, "day", errors, required=required), errors


def test_full_width_digits_and_spaces_are_a_date() -> None:
    assert _parse(" ２０２６－１２－０４ ") == (date(2026, 12, 4), {})


def test_empty_is_no_date_unless_required() -> None:
    assert _parse(None) == (None, {}) and _parse("") == (None, {})
    assert _parse("", required=True)[1] == {"day": ["Enter a date."]}


def test_bad_or_out_of_range_dates_name_the_field() -> None:
    assert _parse("2026-13-01")[1] == {"day": ["Enter a date as YYYY-MM-DD."]}
    assert _parse("9999-12-31")[1] == {"day": ["Enter a date within the allowed range."]}
    assert _parse(["2026-01-01"])[0] is None
