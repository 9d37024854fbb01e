"""Counting a worksheet's rows and cells from its raw XML, before any parser sees it.

openpyxl's read-only reader builds each ``<row>`` element whole and turns every cell into
Python objects before ``iter_rows(max_col=...)`` drops the columns past the limit: a row of
two million cells is materialised, and 10,000 rows of 200 cells cost seconds of CPU. Counting
tags with a compiled regular expression over the inflated bytes runs at C speed, needs no
memory per cell and stops as soon as a limit is passed, so over-large sheets are refused
before openpyxl is called.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Start tags only, any namespace prefix (``<x:c r="A1">`` is as valid as ``<c r="A1">``);
# ``<col``/``<cfRule`` are not matched because the name must end at the tag's next character.
_ROW = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")
_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_STRING = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")


@dataclass
class SheetCounts:
    rows: int = 0
    widest_row: int = 0  # cells in the widest row seen
    cells: int = 0
    strings: int = 0  # shared strings: openpyxl loads them all when it opens the workbook


def count_part(chunks: Iterable[bytes], *, max_rows: int, max_row_cells: int,
               max_cells: int) -> SheetCounts:
    """Count rows, cells and shared strings of one part; stop once a count passes its maximum.

    Every part is counted whatever its name, as openpyxl follows the relationships to any part.
    """
    counts = SheetCounts()
    in_row = 0
    for data in _whole_tags(chunks):
        counts.strings += len(_STRING.findall(data))
        start = 0
        for match in _ROW.finditer(data):
            in_row += _cells(counts, data, start, match.start())
            counts.widest_row = max(counts.widest_row, in_row)
            counts.rows += 1
            in_row, start = 0, match.start()
            if counts.rows > max_rows or counts.widest_row > max_row_cells:
                return counts
        in_row += _cells(counts, data, start, len(data))
        counts.widest_row = max(counts.widest_row, in_row)
        if counts.widest_row > max_row_cells or max(counts.cells, counts.strings) > max_cells:
            return counts
    return counts


def _cells(counts: SheetCounts, data: bytes, start: int, end: int) -> int:
    found = len(_CELL.findall(data, start, end))
    counts.cells += found
    return found


def _whole_tags(chunks: Iterable[bytes]) -> Iterable[bytes]:
    """Re-cut chunks at a ``<`` so that no start tag is split between two of them."""
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        cut = data.rfind(b"<")
        if cut == -1:
            tail = b""
            yield data
        else:  # at 0 nothing is yielded yet: the tag may go on in the next chunk
            tail = data[cut:]
            if cut:
                yield data[:cut]
    if tail:
        yield tail
