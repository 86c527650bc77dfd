"""Cells for CSV and XLSX exports that a spreadsheet shows as text and never runs.

Security: text starting with =, +, -, @, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets (CSV injection): someone able to put text in a record, for example
through a refused web address in the audit trail, could plant =HYPERLINK(...) for whoever opens
the export. Such text is written with a leading apostrophe, which spreadsheets hide.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """csv.writer whose rows are made safe first: every CSV export writes through it."""

    def __init__(self, out: Any, **options: Any):
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
