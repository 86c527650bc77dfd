"""Reading agency CSV files: normalisation, counting what was not understood, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.identity.linkage import normalise
from joinedup.identity.linkage.reading import LinkageInputError, read_records
from tests.identity.conftest import write_rows

GOOD = {
    "source": "gp", "record_id": "1", "given_name": "  Bill ", "family_name": "O'Brien-Smith",
    "date_of_birth": "2015-03-04", "sex": "male", "postcode": "ls62ab",
    "address": "12 Church Road", "nhs_number": "943 476 5919", "upn": "a123456789012",
    "other_id": "x 1",
}  # fmt: skip


def test_values_are_normalised(tmp_path: Path) -> None:
    table = read_records([write_rows(tmp_path / "a.csv", [GOOD])]).table
    row = table.to_pylist()[0]
    assert row["given_name"] == "bill"
    assert row["given_name_canon"] == "william"
    assert row["family_name"] == "obrien-smith"
    assert row["family_name_parts"] == ["obrien", "smith"]
    assert row["postcode"] == "LS6 2AB"
    assert row["postcode_sector"] == "LS6 2"
    assert row["address"] == "12 church rd"
    assert row["address_number"] == "12"
    assert row["nhs_number"] == "9434765919"
    assert row["upn"] == "A123456789012"
    assert row["sex"] == "M"
    assert row["birth_year"] == "2015"


def test_bad_values_are_missing_and_counted(tmp_path: Path) -> None:
    bad = {**GOOD, "record_id": "2", "date_of_birth": "2015-02-30", "postcode": "NOT A CODE",
           "nhs_number": "9434765918", "sex": "unknown"}  # fmt: skip
    typo = {**GOOD, "record_id": "3", "date_of_birth": "31/31/2015", "nhs_number": ""}
    result = read_records([write_rows(tmp_path / "a.csv", [GOOD, bad, typo])])
    rows = result.table.to_pylist()
    assert rows[1]["date_of_birth"] is None
    assert rows[1]["postcode"] is None
    assert rows[1]["nhs_number"] is None  # fails the modulus 11 check
    assert rows[1]["sex"] is None
    assert rows[1]["birth_year"] is None
    # "unknown" and an empty cell are missing, not errors; the rest are counted.
    assert dict(result.invalid_counts) == {"date_of_birth": 2, "postcode": 1, "nhs_number": 1}


def test_extra_columns_are_ignored_and_optional_ones_may_be_absent(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("Record_ID,Source,Notes,Given_Name\nr1,school,anything,Liz\n")
    row = read_records([path]).table.to_pylist()[0]
    assert (row["source"], row["record_id"], row["given_name"]) == ("school", "r1", "liz")
    assert row["nhs_number"] is None and row["family_name"] is None


def test_several_files_are_read_into_one_table(tmp_path: Path) -> None:
    a = write_rows(tmp_path / "a.csv", [GOOD])
    b = write_rows(tmp_path / "b.csv", [{**GOOD, "source": "school"}])
    table = read_records([a, b]).table
    assert table["source"].to_pylist() == ["gp", "school"]
    assert table["unique_id"].to_pylist() == [0, 1]


def test_a_file_without_a_header_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "no_header.csv"
    path.write_text("gp,1,Bill,Smith\n")
    with pytest.raises(LinkageInputError, match=r"no_header.csv.*missing: source, record_id"):
        read_records([path])


def test_a_missing_record_id_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("source,given_name\ngp,Bill\n")
    with pytest.raises(LinkageInputError, match=r"a.csv.*missing: record_id"):
        read_records([path])


def test_a_row_with_the_wrong_number_of_fields_is_named(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("source,record_id,given_name\ngp,1,Bill\ngp,2,Ann,extra\n")
    with pytest.raises(LinkageInputError, match=r"ragged.csv.*4 fields, expected 3"):
        read_records([path])


def test_a_row_without_a_record_id_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("source,record_id\ngp,1\ngp,  \n")
    with pytest.raises(LinkageInputError, match=r"record_id is empty on line.*3"):
        read_records([path])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("9434765919", "9434765919"), ("943-476-5919", "9434765919"), ("9434765918", None),
     ("1111111111", None), ("12345", None), ("401 023 2137", "4010232137")],
)  # fmt: skip
def test_nhs_number_check_digit(raw: str, expected: str | None) -> None:
    assert normalise.nhs_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("sw1a1aa", "SW1A 1AA"), (" M1 1AE ", "M1 1AE"), ("B33 8TH", "B33 8TH"),
     ("CR2 6XH", "CR2 6XH"), ("LS6", None), ("12345", None)],
)  # fmt: skip
def test_postcode_shape(raw: str, expected: str | None) -> None:
    assert normalise.postcode(raw) == expected
