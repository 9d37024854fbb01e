"""Normalisation of names and numbers typed at the counter."""

import pytest

from japan.text import normalize_digits, normalize_kana, normalize_name, search_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("ｶﾞｯｺｳ", "ガッコウ"),
        ("　山田　　太郎 ", "山田 太郎"),
        ("ＡＢＣ商事　１２３", "ABC商事 123"),
        ("株式会社ﾏﾄﾞｸﾞﾁ", "株式会社マドグチ"),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


def test_normalize_kana_turns_hiragana_into_katakana() -> None:
    assert normalize_kana("やまだ　たろう") == "ヤマダ タロウ"
    assert normalize_kana("ﾔﾏﾀﾞ") == "ヤマダ"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("０１２−３４", "012-34"),
        ("２１０－０００１", "210-0001"),
        ("０４４ー２０１ー３１１１", "044-201-3111"),
        ("1234567890", "1234567890"),
    ],
)
def test_normalize_digits(raw: str, expected: str) -> None:
    assert normalize_digits(raw) == expected


def test_search_key_ignores_kana_type_width_and_spaces() -> None:
    variants = ["やまだ たろう", "ヤマダ　タロウ", "ﾔﾏﾀﾞﾀﾛｳ", " やまだタロウ "]
    assert {search_key(v) for v in variants} == {search_key("ヤマダタロウ")}
    assert search_key("ＡＢＣ") == search_key("abc")
    assert search_key("やまだ") != search_key("やまた")
