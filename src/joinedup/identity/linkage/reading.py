"""Reading agency CSV files into one normalised table for linkage.

Structural problems (no header, no `source` or `record_id` column, a row with the wrong number of
fields or without an identifier) stop the run with an error naming the file and row: linking a
file we cannot read properly would silently lose people. Values we cannot understand (a date
that is not a date, an NHS number failing its check digit) are treated as missing and counted.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from joinedup.identity.linkage import normalise

REQUIRED_COLUMNS = ("source", "record_id")
ALL_COLUMNS = (*REQUIRED_COLUMNS, *normalise.OPTIONAL_FIELDS)
MAX_ROWS_NAMED = 5


class LinkageInputError(ValueError):
    """An input file that cannot be linked; the message names the file and the row or column."""


@dataclass(frozen=True)
class Problem:
    """One value that could not be understood (or one file that could not be read)."""

    file: str
    line: int | None  # the file's line, the header being line 1; None for the whole file
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class ReadResult:
    table: pa.Table
    invalid_counts: Counter[str] = field(default_factory=Counter)
    # The first MAX_PROBLEMS_NAMED problems of each column of each file, then counts only.
    problems: list[Problem] = field(default_factory=list)
    skipped_files: list[Problem] = field(default_factory=list)


MAX_PROBLEMS_NAMED = 20
PROBLEM_MESSAGES = {
    "date_of_birth": "not a date (treated as missing)",
    "nhs_number": "not a valid NHS number: wrong length or check digit (treated as missing)",
    "postcode": "not a UK postcode (treated as missing)",
    "upn": "not a unique pupil number (treated as missing)",
    "sex": "not a recognised sex (treated as missing)",
}


def read_header(path: Path) -> list[str]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError) as error:
        raise LinkageInputError(f"{path}: cannot be read ({error}).") from error
    columns = [name.strip().lower() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise LinkageInputError(
            f"{path}: the first line must be a header naming the columns, including "
            f"{', '.join(REQUIRED_COLUMNS)}; missing: {', '.join(missing)}."
        )
    return header


def _read_raw(path: Path) -> pa.Table:
    header = read_header(path)
    bad_rows: list[str] = []

    def on_bad_row(row: pacsv.InvalidRow) -> str:
        where = f"row {row.number}" if row.number is not None else "a row"
        bad_rows.append(f"{where} has {row.actual_columns} fields, expected {row.expected_columns}")
        return "skip"

    wanted = [name for name in header if name.strip().lower() in ALL_COLUMNS]
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="utf8", use_threads=True),
        parse_options=pacsv.ParseOptions(invalid_row_handler=on_bad_row),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            include_columns=wanted,
            strings_can_be_null=False,
        ),
    )
    if bad_rows:
        raise LinkageInputError(f"{path}: {'; '.join(bad_rows[:MAX_ROWS_NAMED])}.")
    return table.rename_columns([name.strip().lower() for name in table.column_names])


def _check_identifiers(path: Path, table: pa.Table) -> None:
    for name in REQUIRED_COLUMNS:
        blank = pc.equal(pc.utf8_trim_whitespace(table[name]), "")
        if pc.any(blank).as_py():
            rows = pc.indices_nonzero(blank).to_pylist()[:MAX_ROWS_NAMED]
            # +2: one for the header line, one because people count rows from 1.
            named = ", ".join(str(index + 2) for index in rows)
            raise LinkageInputError(f"{path}: {name} is empty on line(s) {named}.")


_INVALID = object()


def _normalise_column(raw: pa.ChunkedArray, name: str) -> tuple[pa.Array, pa.Array | None]:
    def one(value: str) -> object:
        normalised, invalid = normalise.normalise_value(name, value)
        return _INVALID if invalid else normalised

    encoded = pc.dictionary_encode(raw).combine_chunks()
    mapped = [one(value) for value in encoded.dictionary.to_pylist()]
    invalid = [index for index, value in enumerate(mapped) if value is _INVALID]
    dictionary = pa.array([None if v is _INVALID else v for v in mapped], type=pa.string())
    flags = None
    if invalid:
        flags = pc.is_in(encoded.indices, value_set=pa.array(invalid, encoded.indices.type))
    return pc.take(dictionary, encoded.indices), flags


def _derive(column: pa.Array, fn: Callable[[str | None], object], kind: pa.DataType) -> pa.Array:
    encoded = pc.dictionary_encode(column, null_encoding="encode")
    dictionary = pa.array([fn(value) for value in encoded.dictionary.to_pylist()], type=kind)
    return pc.take(dictionary, encoded.indices)


DERIVED = (
    ("given_name_groups", "given_name", normalise.given_name_groups, pa.list_(pa.string())),
    ("given_name_canon", "given_name", normalise.given_name_canonical, pa.string()),
    ("given_name_sound", "given_name", normalise.sound_key, pa.string()),
    ("family_name_parts", "family_name", normalise.family_name_parts, pa.list_(pa.string())),
    ("family_name_canon", "family_name", normalise.family_name_canonical, pa.string()),
    ("family_name_sound", "family_name", normalise.sound_key, pa.string()),
    ("dob_days", "date_of_birth", normalise.dob_days, pa.int64()),
    ("birth_year", "date_of_birth", lambda d: d[:4] if d else None, pa.string()),
    ("postcode_sector", "postcode", normalise.postcode_sector, pa.string()),
    ("address_number", "address", normalise.address_number, pa.string()),
    ("home_key", "address", normalise.home_key, pa.string()),
)

# A house number and street name held by more records than this is not one home but a street
# name common in the area (many a High Street), and a full name held by more is a common name:
# neither is then a key to compare records on by itself.
RARE_KEY_MAX_RECORDS = 20


def rare_keys(column: pa.Array | pa.ChunkedArray, most: int) -> pa.Array | pa.ChunkedArray:
    """The column with every value held by more than `most` records made null."""
    counts = pc.value_counts(column.drop_null())
    common = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), most))
    if len(common) == 0:
        return column
    return pc.if_else(pc.is_in(column, value_set=common), None, column)


def normalise_table(
    raw: pa.Table, invalid_counts: Counter[str], invalid_rows: dict[str, list[int]] | None = None
) -> pa.Table:
    """Raw string columns -> the model's columns; missing optional columns become all-null.

    `invalid_rows` receives, per column, the row indices whose value was not understood."""
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        "source": pc.utf8_trim_whitespace(raw["source"]),
        "record_id": pc.utf8_trim_whitespace(raw["record_id"]),
    }
    for name in normalise.OPTIONAL_FIELDS:
        if name in raw.column_names:
            columns[name], flags = _normalise_column(raw[name], name)
            if flags is not None:
                rows = pc.indices_nonzero(flags).to_pylist()
                invalid_counts[name] = len(rows)
                if invalid_rows is not None:
                    invalid_rows[name] = rows
        else:
            columns[name] = pa.nulls(raw.num_rows, pa.string())
    for name, source, fn, kind in DERIVED:
        columns[name] = _derive(columns[source], fn, kind)
    columns["home_key"] = rare_keys(columns["home_key"], RARE_KEY_MAX_RECORDS)
    columns["names_key"] = names_keys(columns["given_name"], columns["family_name"])
    columns["rare_names_key"] = rare_keys(columns["names_key"], RARE_KEY_MAX_RECORDS)
    columns["names_sound_key"] = names_keys(
        columns["given_name_sound"], columns["family_name_sound"]
    )
    columns["names_canon_key"] = names_keys(
        columns["given_name_canon"], columns["family_name_canon"]
    )
    return pa.table(columns)


def names_keys(given: Any, family: Any) -> Any:
    """`normalise.names_key` of each row (both in alphabetical order), computed by Arrow."""
    first = pc.if_else(pc.less_equal(given, family), given, family)
    second = pc.if_else(pc.less_equal(given, family), family, given)
    return pc.binary_join_element_wise(first, second, "|")  # null when either name is


def _problems(
    raw: pa.Table, files: list[tuple[str, int, int]], invalid_rows: dict[str, list[int]]
) -> list[Problem]:
    """Each file's first problems per column, named by file, line and column."""
    problems = []
    for column, rows in invalid_rows.items():
        values = raw[column]
        for name, start, count in files:
            inside = [row for row in rows if start <= row < start + count]
            for row in inside[:MAX_PROBLEMS_NAMED]:
                message = PROBLEM_MESSAGES.get(column, "not understood (treated as missing)")
                value = values[row].as_py()
                # +2: one for the header line, one because people count lines from 1.
                problems.append(Problem(name, row - start + 2, column, f"{value!r} is {message}"))
            if len(inside) > MAX_PROBLEMS_NAMED:
                more = len(inside) - MAX_PROBLEMS_NAMED
                problems.append(Problem(name, None, column, f"{more} more like these"))
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.column or ""))


def read_records(paths: Sequence[Path | str], *, skip_unreadable: bool = False) -> ReadResult:
    """Read and normalise every file into one table, with a unique_id per row.

    A file that cannot be read (no header, a required column missing, a ragged row) stops the
    read; with `skip_unreadable` it is left out, named in `skipped_files`, and the others are
    read, unless none can be."""
    raws, files, skipped = [], [], []
    start = 0
    for path in map(Path, paths):
        try:
            raw = _read_raw(path)
            _check_identifiers(path, raw)
        except LinkageInputError as error:
            if not skip_unreadable:
                raise
            message = str(error).removeprefix(f"{path}: ").rstrip(".")
            skipped.append(Problem(str(path), None, None, message))
            continue
        for name in ALL_COLUMNS:
            if name not in raw.column_names:
                raw = raw.append_column(name, pa.array([""] * raw.num_rows, pa.string()))
        raws.append(raw.select(list(ALL_COLUMNS)))
        files.append((str(path), start, raw.num_rows))
        start += raw.num_rows
    if skipped and not raws:
        raise LinkageInputError("; ".join(str(problem) for problem in skipped))
    raw_all = pa.concat_tables(raws) if raws else pa.table({n: [] for n in ALL_COLUMNS})
    counts: Counter[str] = Counter()
    invalid_rows: dict[str, list[int]] = {}
    table = normalise_table(raw_all, counts, invalid_rows)
    table = table.add_column(0, "unique_id", pa.array(range(table.num_rows), pa.int64()))
    return ReadResult(
        table=table,
        invalid_counts=Counter({k: v for k, v in counts.items() if v}),
        problems=_problems(raw_all, files, invalid_rows),
        skipped_files=skipped,
    )
