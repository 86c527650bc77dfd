"""Malformed and hostile files: a message by row and column, nothing partly written, never a
crash; a failed upload is marked failed with the reason (issue 11, items 11, 12 and 19)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from joinedup.identity import services
from joinedup.identity.models import ImportJob
from joinedup.identity.records import RecordFileError, parse
from joinedup.partnership.models import Role
from joinedup.people.models import Person, SourceRecord
from tests import factories

HEADER = "record_id,given_name,family_name,date_of_birth,postcode\n"
GOOD = "S1,Maya,Jones,2015-03-27,DS1 4AB\n"


def problems(text: str, name: str = "p.csv") -> list[str]:
    return [str(p) for p in parse(Path(name), text.encode()).problems]


def bundle(*entries) -> bytes:
    return json.dumps({"resourceType": "Bundle", "entry": list(entries)}).encode()


def test_row_numbers_are_the_spreadsheets_line_numbers():
    found = problems(HEADER + GOOD + "S2,Sam,Jones,31/02/2016,DS1 4AB\n")
    assert found == ["row 3, date_of_birth: '31/02/2016' is not a date (use YYYY-MM-DD)"]


def test_row_numbers_match_an_xlsx_sheet(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["record_id", "given_name", "family_name", "date_of_birth"])
    sheet.append(["S1", "Maya", "Jones", "2015-03-27"])
    sheet.append(["S2", "Sam", "Jones", "not a date"])
    book.save(tmp_path / "p.xlsx")
    found = [str(p) for p in parse(tmp_path / "p.xlsx").problems]
    assert found and all(p.startswith("row 3, date_of_birth") for p in found)


def test_a_row_with_only_a_record_id_is_refused_by_row():
    parsed = parse(Path("p.csv"), (HEADER + GOOD + "S2,,,,\n").encode())
    assert [r["agency_record_id"] for r in parsed.rows] == ["S1"]
    assert [str(p) for p in parsed.problems] == [
        "row 3, family_name: missing: a row needs a given or family name"
    ]


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("S2," + "a" * 5000 + ",Jones,,\n", "given_name"),
        ("S2,Sam,Jo\x00nes,,\n", "family_name"),
        ("S" + "9" * 200 + ",Sam,Jones,,\n", "record_id"),
    ],
)
def test_over_long_values_and_nul_characters_are_refused_naming_row_and_column(row, column):
    parsed = parse(Path("p.csv"), (HEADER + GOOD + row).encode())
    assert any(p.row == 3 and p.column == column for p in parsed.problems)
    assert all(
        "\x00" not in v and len(v) <= 100
        for r in parsed.rows
        for v in r.values()
        if isinstance(v, str)
    )


@pytest.mark.django_db
def test_a_5000_character_name_is_not_stored(school):
    parsed = parse(Path("p.csv"), (HEADER + "S1," + "a" * 5000 + ",Jones,,\n").encode())
    services.records_load(actor=None, organisation=school, parsed=parsed, strict=False)
    record = SourceRecord.objects.get()
    assert record.given_name == "" and record.family_name == "Jones"


@pytest.mark.django_db
def test_strict_refuses_the_whole_file_for_one_over_long_value(school):
    from joinedup.errors import ApplicationError

    parsed = parse(Path("p.csv"), (HEADER + GOOD + "S2," + "a" * 5000 + ",Jones,,\n").encode())
    with pytest.raises(ApplicationError):
        services.records_load(actor=None, organisation=school, parsed=parsed, strict=True)
    assert not SourceRecord.objects.exists() and not Person.objects.exists()


def test_a_csv_field_over_128_kib_is_named_by_row():
    with pytest.raises(RecordFileError, match="Row 3 cannot be read"):
        parse(Path("p.csv"), (HEADER + GOOD + "S2," + "a" * 200_000 + ",Jones,,\n").encode())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bundle("not an entry"), "Entry 1 is not a FHIR Bundle entry"),
        (
            bundle({"resource": {"resourceType": "Patient", "id": "p1", "name": "Maya"}}),
            "Entry 1: 'name' must be a list of HumanName objects",
        ),
        (
            bundle({"resource": {"resourceType": "Patient", "id": "p1", "identifier": [3]}}),
            "Entry 1: 'identifier' must be a list of Identifier objects",
        ),
        (b'{"resourceType": "Bundle", "entry": {"a": 1}}', "'entry' must be a list"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_fhir_bundles_are_refused_with_a_message(data, message):
    with pytest.raises(RecordFileError, match=message):
        parse(Path("b.json"), data)


def test_odd_fhir_values_are_read_as_text():
    parsed = parse(
        Path("b.json"),
        bundle(
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": 7,
                    "name": [{"given": "Maya", "family": 5}],
                    "address": [{"line": "1 High St", "postalCode": None}],
                }
            }
        ),
    )
    assert parsed.rows[0]["agency_record_id"] == "7"
    assert parsed.rows[0]["family_name"] == "5"


@pytest.mark.django_db
def test_an_upload_that_crashes_is_marked_failed_with_the_reason(client, school, monkeypatch):
    lead = factories.practitioner(school, roles=(Role.Code.AGENCY_DATA_LEAD,))

    def broken(**kwargs):
        raise TypeError("a loader bug")

    monkeypatch.setattr(services, "records_load", broken)
    client.force_login(lead)
    client.post(
        reverse("identity:upload"),
        {"file": SimpleUploadedFile("p.csv", (HEADER + GOOD).encode(), "text/csv")},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert "TypeError" in job.message


@pytest.mark.django_db
def test_an_uploaded_malformed_bundle_fails_with_its_message(client, school):
    lead = factories.practitioner(school, roles=(Role.Code.AGENCY_DATA_LEAD,))
    client.force_login(lead)
    client.post(
        reverse("identity:upload"),
        {"file": SimpleUploadedFile("b.json", bundle("x"), "application/json")},
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and "Entry 1" in job.message
    response = client.post(
        f"/api/v1/agencies/{school.code}/records",
        {"file": SimpleUploadedFile("b.json", bundle("x"), "application/json")},
    )
    assert response.status_code == 422 and response.json()["field"] == "file"
