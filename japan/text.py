"""Normalisation of Japanese input: width, kana type and spacing."""

from __future__ import annotations

import re

import jaconv

_SPACES = re.compile(r"\s+")  # \s includes the full-width space U+3000
# Dash look-alikes typed in numbers: full-width hyphen-minus, minus sign, hyphens and dashes.
_DASHES = re.compile("[\uff0d\u2212\u2010\u2011\u2012\u2013\u2014\u2015\ufe63]")
# A long-vowel mark between digits is a hyphen typed with the kana keyboard (０９０ー１２３４).
_KANA_DASH = re.compile(r"(?<=\d)[ーｰ](?=\d)")


def normalize_name(s: str) -> str:
    """Half-width kana to full-width, full-width letters/digits to ASCII, collapse spaces."""
    s = jaconv.h2z(s, kana=True, ascii=False, digit=False)
    s = jaconv.z2h(s, kana=False, ascii=True, digit=True)
    return _SPACES.sub(" ", s).strip()


def normalize_kana(s: str) -> str:
    """Normalise like normalize_name and turn hiragana into katakana (for search)."""
    return jaconv.hira2kata(normalize_name(s))


def normalize_digits(s: str) -> str:
    """Turn full-width digits and hyphen look-alikes into ASCII: ０１２−３４ → 012-34."""
    s = jaconv.z2h(s, kana=False, ascii=False, digit=True)
    s = _DASHES.sub("-", s)
    return _KANA_DASH.sub("-", s).strip()


def search_key(s: str) -> str:
    """Return a key for name search that ignores kana type, width, case and spacing."""
    return _SPACES.sub("", normalize_kana(s)).casefold()
