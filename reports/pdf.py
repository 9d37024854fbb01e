"""A4 PDF rendering with Japanese fonts that fails loudly instead of printing boxes."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from japan.wareki import format_date_ja, format_datetime_ja, format_fiscal_year, format_wareki

TEMPLATES_DIR = Path(__file__).parent / "templates"
FONT_PACKAGES = "fonts-ipaexfont-gothic fonts-ipaexfont-mincho"
HARFBUZZ_PACKAGE = "libharfbuzz-subset0"

log = logging.getLogger(__name__)
_WEASYPRINT_LOG = logging.getLogger("weasyprint")
# Stylesheet links as the report templates write them (files under reports/templates).
_TEMPLATE_STYLESHEET = re.compile(r'<link rel="stylesheet" href="([\w/.-]+\.css)">')


class FontMissingError(RuntimeError):
    """No installed font can print the Japanese text of a document."""


class MissingGlyphError(FontMissingError):
    """Some characters of a document are in no installed font and would print as boxes."""


class _FcFontSet(ctypes.Structure):
    _fields_ = [
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    ]


def _fontconfig() -> ctypes.CDLL:
    # The fontconfig library is always there when WeasyPrint runs; the fc-list CLI may not be.
    fc = ctypes.CDLL(ctypes.util.find_library("fontconfig") or "libfontconfig.so.1")
    c_void_p, c_char_p = ctypes.c_void_p, ctypes.c_char_p
    fc.FcNameParse.restype = fc.FcObjectSetBuild.restype = c_void_p
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [c_void_p] * 3
    fc.FcPatternGetString.argtypes = [c_void_p, c_char_p, ctypes.c_int, ctypes.POINTER(c_char_p)]
    fc.FcPatternDestroy.argtypes = fc.FcObjectSetDestroy.argtypes = [c_void_p]
    return fc


@functools.cache
def japanese_font_families() -> tuple[str, ...]:
    """Return the font families fontconfig says cover Japanese (like `fc-list :lang=ja`)."""
    fc = _fontconfig()
    pattern = fc.FcNameParse(b":lang=ja")
    objects = fc.FcObjectSetBuild(b"family", None)
    fonts = fc.FcFontList(None, pattern, objects)
    families = set()
    try:
        for i in range(fonts.contents.nfont if fonts else 0):
            name = ctypes.c_char_p()
            if not fc.FcPatternGetString(fonts.contents.fonts[i], b"family", 0, ctypes.byref(name)):
                families.add(name.value.decode())
    finally:
        if fonts:
            fc.FcFontSetDestroy(fonts)
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(pattern)
    return tuple(sorted(families))


def ensure_japanese_font() -> None:
    """Raise FontMissingError unless a Japanese font is installed (checked once per process)."""
    if not japanese_font_families():
        raise FontMissingError(
            "No Japanese font is installed, so Japanese text would print as boxes. "
            f"Install the Debian packages: apt-get install {FONT_PACKAGES}"
        )


class _ThreadRecords(logging.Handler):
    """Collects warnings logged by the current thread only, so parallel renders stay apart."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.records.append(record)


@contextmanager
def _weasyprint_warnings() -> Iterator[list[logging.LogRecord]]:
    # An application that silences warnings globally would also hide the missing-glyph ones.
    if not _WEASYPRINT_LOG.isEnabledFor(logging.WARNING):
        _WEASYPRINT_LOG.setLevel(logging.WARNING)
    handler = _ThreadRecords()
    _WEASYPRINT_LOG.addHandler(handler)
    try:
        yield handler.records
    finally:
        _WEASYPRINT_LOG.removeHandler(handler)


def _check_records(records: list[logging.LogRecord]) -> None:
    if any(str(r.msg).startswith("Using fontTools instead of HarfBuzz") for r in records):
        # Output is still right, only ~25x slower, so printing goes on; operators must see it.
        log.error("PDF fonts were subset with fontTools (slow). Install %s.", HARFBUZZ_PACKAGE)
    missing = [r.args[0] for r in records if str(r.msg).startswith(".notdef glyph") and r.args]
    if missing:
        chars = "".join(dict.fromkeys(str(c) for c in missing))
        codes = ", ".join(f"U+{ord(c):04X}" for c in chars)
        raise MissingGlyphError(
            f"Characters not in any installed font would print as boxes: {chars} ({codes}). "
            f"Rare kanji need a wider font than {FONT_PACKAGES}, e.g. fonts-noto-cjk."
        )


class _LocalFetcher(URLFetcher):
    """Loads only data: URLs and files under the given folders: no network, no stray files."""

    def __init__(self, *roots: Path) -> None:
        super().__init__(allowed_protocols=("file", "data"))
        self.roots = [r.resolve() for r in roots]

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                raise ValueError(f"File outside the report folders: {url}")
        return super().fetch(url, headers)


class _RenderCache(threading.local):
    """Per thread: WeasyPrint's font configuration and the parsed report stylesheets.

    Loading the fontconfig configuration and parsing report.css cost ~50 ms of a ~180 ms
    receipt; both are the same for every print. Pango objects are not shared between threads.
    """

    def __init__(self) -> None:
        self._font_config: FontConfiguration | None = None  # made at the first print
        self.sheets: dict[tuple[Path, int], CSS] = {}

    @property
    def font_config(self) -> FontConfiguration:
        if self._font_config is None:
            self._font_config = FontConfiguration()
        return self._font_config

    def stylesheet(self, name: str) -> CSS:
        path = (TEMPLATES_DIR / name).resolve()
        if not path.is_relative_to(TEMPLATES_DIR.resolve()):
            raise ValueError(f"Stylesheet outside the report folder: {name}")
        key = (path, path.stat().st_mtime_ns)  # an edited file is parsed again
        if key not in self.sheets:
            self.sheets[key] = CSS(filename=str(path), font_config=self.font_config,
                                   url_fetcher=_LocalFetcher(TEMPLATES_DIR))
        return self.sheets[key]


_cache = _RenderCache()


def render_pdf(html: str, *, base_url: str | Path | None = None,
               stylesheets: Sequence[str] = ()) -> bytes:
    """Render HTML to PDF bytes (base_url: folder for relative files); never print boxes.

    stylesheets: CSS files under reports/templates, parsed once per thread and applied with
    user origin, so any <style> or <link> of the document itself wins over them.
    """
    ensure_japanese_font()
    roots = [TEMPLATES_DIR] + ([Path(base_url)] if base_url else [])
    with _weasyprint_warnings() as records:
        fetcher = _LocalFetcher(*roots)
        sheets = [_cache.stylesheet(name) for name in stylesheets]
        document = HTML(string=html, base_url=base_url and str(base_url), url_fetcher=fetcher)
        pdf = document.write_pdf(stylesheets=sheets, font_config=_cache.font_config)
    _check_records(records)
    return pdf


def take_stylesheet_links(html: str) -> tuple[str, list[str]]:
    """Return html without its links to report stylesheets, and their file names in order."""
    names = _TEMPLATE_STYLESHEET.findall(html)
    return _TEMPLATE_STYLESHEET.sub("", html), names


@functools.cache
def template_env() -> jinja2.Environment:
    """Return the Jinja environment over reports/templates (autoescaped, strict)."""
    # Strict: a misspelt variable must fail the print, not leave a blank on an official paper.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        wareki=format_wareki,
        date_ja=format_date_ja,
        datetime_ja=format_datetime_ja,
        fiscal_year_ja=format_fiscal_year,
    )
    return env


def render_template_pdf(template_name: str, **context: Any) -> bytes:
    """Render a template from reports/templates (usually extending base.html) to PDF bytes."""
    html = template_env().get_template(template_name).render(**context)
    html, stylesheets = take_stylesheet_links(html)
    return render_pdf(html, base_url=TEMPLATES_DIR, stylesheets=stylesheets)
