"""Procedure form validators (shared by the portal and the API) and application numbers."""

import hashlib
import random

import pytest

from forms.registry import to_formdata
from tests.support.applications import kaigo_fields
from workflows.applications.numbering import LOW, SPAN, permute


@pytest.fixture(scope="module")
def ctx():
    from webapp import create_app

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "SCHEMA_CHECK": False})
    with app.test_request_context():
        yield


def validate(**changes):
    from forms.application_forms import KAIGO_TORISAGE
    from workflows.applications.validation import check_fields

    return check_fields(KAIGO_TORISAGE, to_formdata(kaigo_fields(**changes)))


def test_full_width_digits_are_normalised_and_html_is_kept_as_text(ctx):
    values, errors = validate(office_number="１２３４５６７８９０", phone="０４４−２００−２０７７",
                              remarks="<script>alert('x')</script>",
                              corporation_name="ｶﾜｻｷ　株式会社")
    assert errors == {}
    assert values["office_number"] == "1234567890" and values["phone"] == "044-200-2077"
    assert values["remarks"] == "<script>alert('x')</script>"
    assert values["corporation_name"] == "カワサキ 株式会社"
    assert values["data_sent_on"] == "2022-12-19"


@pytest.mark.parametrize("field, value, message", [
    ("office_number", "12345678901", "10桁の半角数字で入力してください。"),
    ("office_number", "12345abcde", "10桁の半角数字で入力してください。"),
    ("office_number", "", "事業所番号を入力してください。"),
    ("email_confirm", "other@example.jp", "メールアドレスが一致しません。"),
    ("email", "not-an-address", "正しいメールアドレスを入力してください。"),
    ("remarks", "あ" * 101, "100文字以内で入力してください。"),
    ("phone", "12345", "電話番号を10桁または11桁で入力してください"),
    ("data_sent_on", "2022-13-45", "日付はYYYY-MM-DDの形式で入力してください。"),
    ("contact_family_name", "   ", "姓を入力してください。"),
])
def test_bad_input_gets_a_message_on_its_field(ctx, field, value, message):
    _values, errors = validate(**{field: value})
    assert field in errors and message in " ".join(errors[field])


def test_a_hundred_characters_with_line_breaks_fit(ctx):
    values, errors = validate(remarks="あ" * 50 + "\r\n" + "い" * 49)
    assert errors == {} and len(values["remarks"]) == 100


def test_numbers_are_eight_digits_unique_and_not_sequential():
    key = hashlib.sha256(b"test").digest()
    serials = random.Random(1).sample(range(SPAN), 5000) + list(range(1000))
    numbers = [permute(s, key) for s in serials]
    assert len(set(numbers)) == len(numbers)
    assert all(LOW <= n < LOW * 10 for n in numbers)
    consecutive = [permute(s, key) for s in range(50)]
    assert sorted(consecutive) != consecutive
    assert sum(abs(b - a) < 1000 for a, b in zip(consecutive, consecutive[1:], strict=False)) <= 1
    assert permute(0, hashlib.sha256(b"other").digest()) != consecutive[0]
    with pytest.raises(ValueError):
        permute(SPAN, key)
