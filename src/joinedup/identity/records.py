"""Reading an agency's file of records: CSV, XLSX or a FHIR R4 Bundle of Patients.

Every value is checked; each problem is reported with its row and column. Parsing writes
nothing: the loader decides, after reading the whole file, whether anything is written.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from joinedup.people.identifiers import (
    POSTCODE_RE,
    UPN_RE,
    is_valid_nhs_number,
    normalise_nhs_number,
    normalise_postcode,
)

NHS_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
COLUMNS = [
    "agency_record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "nhs_number",
    "upn",
]
ALIASES = {
    "record_id": "agency_record_id",
    "id": "agency_record_id",
    "forename": "given_name",
    "first_name": "given_name",
    "surname": "family_name",
    "last_name": "family_name",
    "dob": "date_of_birth",
    "gender": "sex",
    "nhs": "nhs_number",
}
SEXES = {
    "f": "female",
    "female": "female",
    "m": "male",
    "male": "male",
    "other": "other",
    "u": "unknown",
    "unknown": "unknown",
    "not known": "unknown",
    "": "unknown",
}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"]


class RecordFileError(ValueError):
    """The file as a whole cannot be read: nothing is loaded."""


@dataclass(frozen=True)
class Problem:
    row: int  # 1 = the first data row (after the header); 0 = the file itself
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.message}" if self.row else self.message


@dataclass
class ParsedFile:
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _header(raw: list[str]) -> list[str]:
    names = [
        ALIASES.get(h.strip().lower().replace(" ", "_"), h.strip().lower().replace(" ", "_"))
        for h in raw
    ]
    if "agency_record_id" not in names:
        raise RecordFileError(
            "The file has no header row with a record_id (or agency_record_id) column. "
            f"Expected columns: {', '.join(COLUMNS)}."
        )
    return names


def _rows_csv(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RecordFileError(
            "The file is not readable text in UTF-8. Save it as 'CSV UTF-8' and try again."
        ) from None
    yield from csv.reader(io.StringIO(text))


def _rows_xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise RecordFileError("The file is not a readable Excel workbook (.xlsx).") from None
    for values in book.worksheets[0].iter_rows(values_only=True):
        yield [
            ""
            if v is None
            else v.strftime("%Y-%m-%d")
            if isinstance(v, datetime | date)
            else str(v)
            for v in values
        ]


def _fhir_patients(data: bytes) -> Iterator[list[str]]:
    try:
        bundle = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RecordFileError(
            "The file is not valid JSON, so it cannot be a FHIR Bundle."
        ) from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise RecordFileError("The file is not a FHIR Bundle (resourceType must be 'Bundle').")
    yield COLUMNS
    for entry in bundle.get("entry") or []:
        patient = (entry or {}).get("resource") or {}
        if patient.get("resourceType") != "Patient":
            continue
        name = (patient.get("name") or [{}])[0]
        address = (patient.get("address") or [{}])[0]
        nhs = next(
            (
                i.get("value", "")
                for i in patient.get("identifier") or []
                if i.get("system") == NHS_SYSTEM
            ),
            "",
        )
        yield [
            str(patient.get("id", "")),
            " ".join(name.get("given") or []),
            name.get("family", ""),
            patient.get("birthDate", ""),
            patient.get("gender", ""),
            ", ".join(address.get("line") or []),
            address.get("postalCode", ""),
            nhs,
            "",
        ]


def _raw_rows(path: Path, data: bytes) -> Iterator[list[str]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _rows_xlsx(data)
    if suffix in (".json", ".fhir"):
        return _fhir_patients(data)
    if suffix in (".csv", ".txt", ""):
        return _rows_csv(data)
    raise RecordFileError(f"Unsupported file type '{suffix}': use CSV, XLSX or a FHIR JSON Bundle.")


def _date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _clean(
    row_number: int, raw: dict[str, str], today: date
) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    out: dict[str, Any] = {c: (raw.get(c) or "").strip() for c in COLUMNS}

    def bad(column: str, message: str, empty: Any = "") -> None:
        problems.append(Problem(row_number, column, message))
        out[column] = empty

    if not out["agency_record_id"]:
        problems.append(
            Problem(row_number, "record_id", "missing: every row needs the agency's own id")
        )
    if out["date_of_birth"]:
        try:
            out["date_of_birth"] = _date(out["date_of_birth"])
            if out["date_of_birth"] > today:
                bad("date_of_birth", "is in the future", None)
        except ValueError:
            bad(
                "date_of_birth",
                f"'{raw.get('date_of_birth')}' is not a date (use YYYY-MM-DD)",
                None,
            )
    else:
        out["date_of_birth"] = None
    if out["nhs_number"]:
        digits = normalise_nhs_number(out["nhs_number"])
        if is_valid_nhs_number(digits):
            out["nhs_number"] = digits
        else:
            bad("nhs_number", f"'{raw.get('nhs_number')}' fails the NHS number check digit")
    if out["postcode"]:
        postcode = normalise_postcode(out["postcode"])
        if POSTCODE_RE.match(postcode):
            out["postcode"] = postcode
        else:
            bad("postcode", f"'{raw.get('postcode')}' is not the shape of a UK postcode")
    if out["upn"] and not UPN_RE.match(out["upn"].upper()):
        bad("upn", f"'{raw.get('upn')}' is not a valid unique pupil number")
    sex = SEXES.get(out["sex"].lower())
    if sex is None:
        bad("sex", f"'{raw.get('sex')}' is not one of female, male, other, unknown", "unknown")
    else:
        out["sex"] = sex
    return out, problems


def parse(path: Path, data: bytes | None = None, *, today: date | None = None) -> ParsedFile:
    """Read and check a whole file. Raises RecordFileError when the file itself is unusable."""
    data = path.read_bytes() if data is None else data
    today = today or date.today()
    rows = _raw_rows(path, data)
    try:
        header = _header(next(rows))
    except StopIteration:
        raise RecordFileError("The file is empty: it needs a header row and records.") from None
    parsed = ParsedFile()
    seen: dict[str, int] = {}
    for number, values in enumerate(rows, start=1):
        if not any(str(v).strip() for v in values):
            continue
        raw = {name: str(value) for name, value in zip(header, values, strict=False)}
        clean, problems = _clean(number, raw, today)
        parsed.problems += problems
        record_id = clean["agency_record_id"]
        if record_id in seen:
            parsed.problems.append(
                Problem(number, "record_id", f"'{record_id}' repeats row {seen[record_id]}")
            )
            continue
        if record_id:
            seen[record_id] = number
            parsed.rows.append(clean)
    return parsed
