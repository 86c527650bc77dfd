"""Staff files: practitioners listed in CSV or XLSX, one a row, read into plain rows.

Columns (header names, any case): organisation (its code or name), team, name, email,
profession, roles (separated by ";"), line manager (an email), and optionally status
("left" deactivates). Reading never writes: `services.staff_load` checks every row first.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from joinedup.errors import ApplicationError

COLUMNS = ("organisation", "team", "name", "email", "profession", "roles", "line_manager")
OPTIONAL = ("status",)
MAX_ROWS = 20_000


@dataclass(frozen=True)
class StaffRow:
    number: int  # the row in the file, counting the header as row 1
    values: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return self.values.get(name, "")


def _header(name: object) -> str:
    return str(name or "").strip().lower().replace(" ", "_").replace("-", "_")


def _rows_from(table: list[list[object]]) -> list[StaffRow]:
    if not table:
        raise ApplicationError("The file is empty.", field="file")
    header = [_header(h) for h in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ApplicationError(
            f"The file has no column '{missing[0].replace('_', ' ')}' (row 1).", field="file"
        )
    if len(table) - 1 > MAX_ROWS:
        raise ApplicationError(f"The file has more than {MAX_ROWS} rows.", field="file")
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        values = {
            name: str(cells[i]).strip() if i < len(cells) and cells[i] is not None else ""
            for i, name in enumerate(header)
            if name in COLUMNS + OPTIONAL
        }
        if any(values.values()):
            rows.append(StaffRow(number, values))
    return rows


def _xlsx(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise ApplicationError("The spreadsheet could not be read.", field="file") from None
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv(data: bytes) -> list[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApplicationError("Save the CSV file as UTF-8.", field="file") from None
    if "\x00" in text:
        raise ApplicationError("The file is not a CSV file.", field="file")
    try:
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise ApplicationError(f"The CSV file could not be read: {error}.", field="file") from None


def read_staff_file(name: str, data: bytes) -> list[StaffRow]:
    """The rows of a staff file: XLSX by its content (a zip), else CSV."""
    table = _xlsx(data) if data.startswith(b"PK\x03\x04") else _csv(data)
    if name.lower().endswith(".xlsx") and not data.startswith(b"PK\x03\x04"):
        raise ApplicationError("The spreadsheet could not be read.", field="file")
    return _rows_from(table)
