"""The one way the application writes CSV, safe to open in a spreadsheet (OWASP's CSV injection rule).

A spreadsheet that opens a CSV file takes a cell starting with `=`, `+`, `-` or `@` (and, in some,
a tab or a carriage return) for a formula, and a formula can fetch URLs, leak other cells or run
commands. So every export writes through `write`, which prefixes such a cell with a single quote:
the spreadsheet then shows it as text. Embedded quotes, commas and line breaks are the csv
module's quoting, as usual.

Which cells: text is data that people typed (agent, team, topic, scorecard and band names, agent
codes), so every `str` cell is neutralised, whatever its column. The application's own figures are
handed over as numbers (`int`, `Decimal`) and written as they are, so a change of -3.5 points stays
the number `-3.5000` that a spreadsheet can sum. An exporter therefore passes its numbers as numbers,
never pre-formatted as text, and rounded by the application's one rule (floats are refused).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TextIO

Cell = str | int | Decimal | None  # None is written as an empty cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: Cell) -> Cell:
    """The cell as a spreadsheet must show it: text that would start a formula gets a leading `'`.

    A float or a Fraction is refused: csv would write its repr ("84.35000000000001", "60/11"),
    not a figure rounded by the one rule (`vendor_qa.templating.rounded`, which gives a Decimal).
    """
    if isinstance(cell, (float, Fraction)):
        raise TypeError(f"{cell!r}: pass a figure as a Decimal rounded by vendor_qa.templating.rounded")
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def write(stream: TextIO, header: Iterable[str], rows: Iterable[Iterable[Cell]]) -> None:
    """The header and the rows as CSV to `stream` (opened with newline=""), every cell neutralised."""
    writer = csv.writer(stream)
    writer.writerow([neutralised(name) for name in header])
    writer.writerows([neutralised(cell) for cell in row] for row in rows)


def rewritten(data: str) -> str:
    """CSV text written before this rule (a report's stored export), written again under it.

    Read back, every cell is text; a cell that reads as a number is one of the application's
    figures (a change of -3.5000 points) and stays as it was, any other is neutralised. A number
    is no formula in a spreadsheet, so nothing that could run is kept.
    """
    out = io.StringIO(newline="")
    csv.writer(out).writerows([cell if _is_number(cell) else neutralised(cell) for cell in row]
                              for row in csv.reader(io.StringIO(data, newline="")))
    return out.getvalue()


def _is_number(cell: str) -> bool:
    """Whether the cell is a finite number as written, with no space or tab around it."""
    try:
        return cell == cell.strip() and Decimal(cell).is_finite()
    except InvalidOperation:
        return False
