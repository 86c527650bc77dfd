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
# The most characters each column can hold (the agency record's own columns).
LENGTHS = {
    "agency_record_id": 100,
    "given_name": 100,
    "family_name": 100,
    "date_of_birth": 40,
    "sex": 20,
    "address": 300,
    "postcode": 10,
    "nhs_number": 20,
    "upn": 13,
}


class RecordFileError(ValueError):
    """The file as a whole cannot be read: nothing is loaded."""


@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet's row number (the header is row 1); 0 = the file itself
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
    reader = csv.reader(io.StringIO(text))
    row = 0
    try:
        for row, values in enumerate(reader, start=1):  # noqa: B007 - row names the failure
            yield values
    except csv.Error as error:
        # e.g. a field over csv's limit (128 KiB): what follows it cannot be trusted.
        raise RecordFileError(f"Row {row + 1} cannot be read: {error}.") from None


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


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _first(value: Any) -> dict[str, Any]:
    """The first element of a FHIR list (name, address), or {} when it is not one."""
    return _object(value[0]) if isinstance(value, list) and value else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _texts(value: Any) -> list[str]:
    return [_text(v) for v in value] if isinstance(value, list) else [_text(value)]


def _fhir_patient_row(number: int, entry: Any) -> list[str] | None:
    """One entry's Patient as a row; entries of other types are skipped."""
    if not isinstance(entry, dict):
        raise RecordFileError(f"Entry {number} is not a FHIR Bundle entry (a JSON object).")
    patient = _object(entry.get("resource"))
    if patient.get("resourceType") != "Patient":
        return None
    for part, kind in (("name", "HumanName"), ("address", "Address"), ("identifier", "Identifier")):
        value = patient.get(part)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, dict) for v in value)
        ):
            raise RecordFileError(f"Entry {number}: '{part}' must be a list of {kind} objects.")
    name, address = _first(patient.get("name")), _first(patient.get("address"))
    nhs = next(
        (
            _text(i.get("value"))
            for i in patient.get("identifier") or []
            if i.get("system") == NHS_SYSTEM
        ),
        "",
    )
    return [
        _text(patient.get("id")),
        " ".join(_texts(name.get("given") or [])),
        _text(name.get("family")),
        _text(patient.get("birthDate")),
        _text(patient.get("gender")),
        ", ".join(_texts(address.get("line") or [])),
        _text(address.get("postalCode")),
        nhs,
        "",
    ]


def _fhir_patients(data: bytes) -> Iterator[list[str]]:
    try:
        bundle = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RecordFileError(
            "The file is not valid JSON, so it cannot be a FHIR Bundle."
        ) from None
    except RecursionError:
        raise RecordFileError("The file's JSON is nested too deeply to be a FHIR Bundle.") from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise RecordFileError("The file is not a FHIR Bundle (resourceType must be 'Bundle').")
    entries = bundle.get("entry") or []
    if not isinstance(entries, list):
        raise RecordFileError("The Bundle's 'entry' must be a list of entries.")
    yield COLUMNS
    for number, entry in enumerate(entries, start=1):
        row = _fhir_patient_row(number, entry)
        if row is not None:
            yield row


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

    for column, limit in LENGTHS.items():
        value, label = out[column], "record_id" if column == "agency_record_id" else column
        if "\x00" in value:
            problems.append(Problem(row_number, label, "contains a NUL character"))
            out[column] = ""
        elif len(value) > limit:
            problems.append(
                Problem(row_number, label, f"is {len(value):,} characters long: at most {limit}")
            )
            out[column] = ""
    if not out["agency_record_id"]:
        if not any(p.column == "record_id" for p in problems):
            problems.append(
                Problem(row_number, "record_id", "missing: every row needs the agency's own id")
            )
    elif not (out["given_name"] or out["family_name"]):
        # A row without a name would make a nameless person: the row is refused.
        if not any(p.column in ("given_name", "family_name") for p in problems):
            problems.append(
                Problem(row_number, "family_name", "missing: a row needs a given or family name")
            )
        out["agency_record_id"] = ""
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
    for number, values in enumerate(rows, start=2):  # the header is the spreadsheet's row 1
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
