"""Bar charts as SVG text: pure functions, no scripts, no style attributes (CSP-safe), used
inline in pages and in PDFs; every bar carries its value as text for people and machines."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from html import escape

BAR = "#0b5cad"
ALERT = "#b3261e"
INK = "#1b1f24"
GRID = "#c9d1d9"
FONT = "IPAexGothic, 'Noto Sans JP', sans-serif"


def nice_max(value: int) -> int:
    """A round axis maximum at or above value: 1, 2, 5, 10, 20, 50, …"""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if step * m >= value:
                return step * m
        step *= 10


def bar_chart_svg(values: Sequence[tuple[str, int]], *, title: str, description: str = "",
                  width: int = 640, height: int = 240, label_every: int = 1,
                  links: Sequence[str | None] | None = None,
                  alert_from: int | None = None, chart_id: str = "chart") -> str:
    """A vertical bar chart of (label, value) pairs.

    label_every: print every n-th x label (dates); links: an href per bar (or None);
    alert_from: bars at this index and later are drawn in the alert colour (e.g. the oldest
    age buckets). The text depends on nothing but the arguments, so the last few charts are
    kept: a dashboard reloaded with the same numbers gets its charts without drawing them.
    """
    return _svg(tuple((str(label), int(v)) for label, v in values), str(title), str(description),
                width, height, label_every, None if links is None else tuple(links),
                alert_from, chart_id)


@lru_cache(maxsize=32)
def _svg(values: tuple[tuple[str, int], ...], title: str, description: str, width: int,
         height: int, label_every: int, links: tuple[str | None, ...] | None,
         alert_from: int | None, chart_id: str) -> str:
    left, right, top, bottom = 48, 12, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    # At least 4, so that the five grid lines fall on whole numbers.
    top_value = max(nice_max(max((v for _label, v in values), default=0)), 4)
    n = max(len(values), 1)
    slot = plot_w / n
    bar_w = max(slot * 0.7, 1)
    t_id, d_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'aria-labelledby="{t_id} {d_id}" font-family="{FONT}" font-size="11">',
           f'<title id="{t_id}">{escape(title)}</title>',
           f'<desc id="{d_id}">{escape(description or _describe(values))}</desc>',
           f'<text x="{left}" y="16" font-size="13" font-weight="bold" fill="{INK}">'
           f'{escape(title)}</text>']
    for i in range(5):  # grid lines and y labels at 0, 25, 50, 75, 100 %
        value = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
                   f'{value:,.0f}</text>')
    for i, (label, value) in enumerate(values):
        x = left + slot * i + (slot - bar_w) / 2
        h = plot_h * value / top_value
        y = top + plot_h - h
        colour = ALERT if alert_from is not None and i >= alert_from else BAR
        bar = (f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
               f'fill="{colour}"><title>{escape(label)}: {value:,}</title></rect>')
        if value and slot >= 18:
            bar += (f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                    f'fill="{INK}">{value:,}</text>')
        href = links[i] if links and i < len(links) else None
        out.append(f'<a href="{escape(href)}">{bar}</a>' if href else bar)
        if i % label_every == 0 or i == len(values) - 1:
            out.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" '
                       f'text-anchor="middle" fill="{INK}">{escape(label)}</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
               f'y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>')
    out.append("</svg>")
    return "".join(out)


def _describe(values: Sequence[tuple[str, int]]) -> str:
    return "; ".join(f"{label}: {value:,}" for label, value in values)
