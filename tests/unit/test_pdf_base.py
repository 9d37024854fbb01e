"""The PDF base: Japanese text prints with an embedded font, or rendering fails loudly."""

import logging
import shutil
import subprocess
import threading
from datetime import date
from pathlib import Path

import jinja2
import pytest
import weasyprint

from reports import pdf
from reports.pdf import FontMissingError, MissingGlyphError, render_pdf, render_template_pdf

RECEIPT = """{% extends "base.html" %}
{% block title %}預かり書{% endblock %}
{% block content %}
<table class="fields">
  <tr><th>氏名</th><td>{{ name }}</td></tr>
  <tr><th>受付日</th><td>{{ received|date_ja }}</td></tr>
  <tr><th>備考</th><td>{{ note }}</td></tr>
</table>
{% endblock %}"""

needs_poppler = pytest.mark.skipif(
    shutil.which("pdffonts") is None, reason="poppler-utils (pdffonts, pdftotext) not installed"
)


@pytest.fixture
def receipt_template(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make a child of base.html available to render_template_pdf."""
    base = pdf.template_env()
    loader = jinja2.ChoiceLoader([jinja2.DictLoader({"receipt.html": RECEIPT}), base.loader])
    monkeypatch.setattr(pdf, "template_env", lambda: base.overlay(loader=loader))


def _poppler(tool: str, data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _render_receipt(**overrides: object) -> bytes:
    context = {"name": "山田 太郎", "received": date(2025, 1, 6), "note": "なし"}
    return render_template_pdf("receipt.html", **(context | overrides))


@needs_poppler
@pytest.mark.usefixtures("receipt_template")
def test_japanese_receipt_embeds_ipaex_font_and_text(tmp_path: Path) -> None:
    data = _render_receipt()
    assert data.startswith(b"%PDF-")
    fonts = _poppler("pdffonts", data, tmp_path)
    embedded = [line for line in fonts.splitlines() if "IPAex" in line]
    assert embedded and all(" yes " in line for line in embedded)
    text = _poppler("pdftotext", data, tmp_path)
    for label in ("預かり書", "氏名", "山田 太郎", "受付日", "2025-01-06（令和7年1月6日）"):
        assert label in text
    assert "1/1" in text.replace(" ", "")  # page number in the footer


@needs_poppler
@pytest.mark.usefixtures("receipt_template")
def test_html_in_data_is_printed_as_text(tmp_path: Path) -> None:
    data = _render_receipt(name="<b>山田</b>", note="<script>alert(1)</script>")
    text = _poppler("pdftotext", data, tmp_path)
    assert "<b>山田</b>" in text
    assert "<script>alert(1)</script>" in text


@pytest.mark.usefixtures("receipt_template")
def test_missing_variable_fails_instead_of_printing_a_blank() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render_template_pdf("receipt.html", name="山田 太郎", received=date(2025, 1, 6))


def test_no_japanese_font_raises_with_package_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "japanese_font_families", lambda: ())
    with pytest.raises(FontMissingError, match="fonts-ipaexfont-gothic fonts-ipaexfont-mincho"):
        render_pdf("<p>山田 太郎</p>")


def test_installed_fonts_cover_japanese() -> None:
    assert any(name.startswith("IPAex") for name in pdf.japanese_font_families())


@pytest.mark.expects_font_warnings
def test_character_in_no_font_raises_instead_of_printing_a_box() -> None:
    with pytest.raises(MissingGlyphError, match=r"U\+10FFFD"):
        render_pdf('<html lang="ja"><p>山田 \U0010fffd</p></html>')


def _log_during_render(
    monkeypatch: pytest.MonkeyPatch, message: str, *args: object, in_other_thread: bool = False
) -> None:
    original = weasyprint.Document.write_pdf

    def write_pdf(self: weasyprint.Document, *a: object, **kw: object) -> bytes:
        def emit() -> None:
            logging.getLogger("weasyprint").warning(message, *args)

        if in_other_thread:
            thread = threading.Thread(target=emit)
            thread.start()
            thread.join()
        else:
            emit()
        return original(self, *a, **kw)

    monkeypatch.setattr(weasyprint.Document, "write_pdf", write_pdf)


NOTDEF = '.notdef glyph rendered for Unicode string unsupported by fonts: "%s" (U+%04X)'


@pytest.mark.expects_font_warnings
def test_notdef_warning_during_render_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    _log_during_render(monkeypatch, NOTDEF, "髙", ord("髙"))
    with pytest.raises(MissingGlyphError, match="髙"):
        render_pdf("<p>髙橋</p>")


@pytest.mark.expects_font_warnings
def test_notdef_warning_from_another_thread_does_not_fail_this_render(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _log_during_render(monkeypatch, NOTDEF, "髙", ord("髙"), in_other_thread=True)
    assert render_pdf("<p>高橋</p>").startswith(b"%PDF-")


@pytest.mark.expects_font_warnings
def test_fonttools_fallback_is_logged_as_error(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _log_during_render(
        monkeypatch, 'Using fontTools instead of HarfBuzz-Subset for font "%s".', "IPAexGothic"
    )
    with caplog.at_level(logging.ERROR, logger="reports.pdf"):
        assert render_pdf("<p>山田</p>").startswith(b"%PDF-")
    errors = [r for r in caplog.records if r.name == "reports.pdf" and r.levelno == logging.ERROR]
    assert errors and "libharfbuzz-subset0" in errors[0].getMessage()


def test_local_files_outside_report_folders_are_not_loaded() -> None:
    fetcher = pdf._LocalFetcher(pdf.TEMPLATES_DIR)
    with pytest.raises(ValueError, match="outside"):
        fetcher.fetch("file:///etc/hostname")
    with pytest.raises(ValueError):
        fetcher.fetch("http://example.com/logo.png")
    assert b"@page" in fetcher.fetch((pdf.TEMPLATES_DIR / "report.css").as_uri()).read()


LANDSCAPE = """{% extends "base.html" %}
{% block title %}一覧{% endblock %}
{% block head %}<style>@page { size: A4 landscape; } h1 { letter-spacing: 0; }</style>{% endblock %}
{% block content %}<p>{{ name }}</p>{% endblock %}"""


@needs_poppler
def test_a_templates_own_style_wins_over_the_shared_stylesheet(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    base = pdf.template_env()
    loader = jinja2.ChoiceLoader([jinja2.DictLoader({"wide.html": LANDSCAPE}), base.loader])
    monkeypatch.setattr(pdf, "template_env", lambda: base.overlay(loader=loader))
    info = _poppler("pdfinfo", render_template_pdf("wide.html", name="山田 太郎"), tmp_path)
    assert "841.89 x 595.276 pts (A4)" in info  # landscape, although report.css says A4


@needs_poppler
@pytest.mark.usefixtures("receipt_template")
def test_prints_from_several_threads_each_embed_the_japanese_font(tmp_path: Path) -> None:
    results: dict[int, bytes] = {}

    def render(i: int) -> None:
        results[i] = _render_receipt(name=f"山田 太郎{i}")

    threads = [threading.Thread(target=render, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, data in sorted(results.items()):
        assert "IPAex" in _poppler("pdffonts", data, tmp_path)
        assert f"山田 太郎{i}" in _poppler("pdftotext", data, tmp_path)
    assert len(results) == 3
