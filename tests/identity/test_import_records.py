"""Loading an agency's own records from real files: CSV, XLSX and FHIR R4 Bundles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from joinedup.audit.models import AccessEvent
from joinedup.people.models import SourceRecord
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "record_id,given_name,family_name,date_of_birth,sex,postcode,nhs_number,upn\n"
GOOD = "S1,Maya,Jones,2015-03-27,F,DS1 4AB,9434765919,\nS2,Sam,Jones,2017-06-01,M,DS1 4AB,,\n"


@pytest.fixture
def agency(db):
    return factories.organisation("Oakfield", sector="education")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_loads_and_a_second_load_updates_rather_than_duplicates(tmp_path, agency):
    path = write(tmp_path, "pupils.csv", HEADER + GOOD)
    call_command("import", "records", str(path), agency=agency.code, verbosity=0)
    assert SourceRecord.objects.filter(organisation=agency).count() == 2
    changed = GOOD.replace("Sam,Jones", "Samuel,Jones")
    call_command(
        "import",
        "records",
        str(write(tmp_path, "pupils.csv", HEADER + changed)),
        agency=agency.code,
        verbosity=0,
    )
    assert SourceRecord.objects.filter(organisation=agency).count() == 2
    assert SourceRecord.objects.get(agency_record_id="S2").given_name == "Samuel"
    assert AccessEvent.objects.filter(object_type="identity.records_load").count() == 2


def test_invalid_values_are_left_empty_and_reported_by_row_and_column(tmp_path, agency, capsys):
    bad = "S3,Ivy,Stone,31/02/2016,F,NOT A CODE,9434765918,\n"
    call_command(
        "import",
        "records",
        str(write(tmp_path, "p.csv", HEADER + GOOD + bad)),
        agency=agency.code,
        verbosity=1,
    )
    err = capsys.readouterr().err
    assert "row 4, date_of_birth" in err and "row 4, postcode" in err and "row 4, nhs_number" in err
    ivy = SourceRecord.objects.get(agency_record_id="S3")
    assert ivy.date_of_birth is None and ivy.postcode == "" and ivy.nhs_number == ""


def test_strict_rejects_the_whole_file_and_writes_nothing(tmp_path, agency):
    bad = "S3,Ivy,Stone,2016-02-30,F,DS1 4AB,,\n"
    with pytest.raises(CommandError, match="row 4, date_of_birth"):
        call_command(
            "import",
            "records",
            str(write(tmp_path, "p.csv", HEADER + GOOD + bad)),
            agency=agency.code,
            strict=True,
            verbosity=0,
        )
    assert not SourceRecord.objects.exists()
    assert not AccessEvent.objects.filter(object_type="identity.records_load").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        ("given_name,family_name\nMaya,Jones\n", "no header row with a record_id"),
        ("", "empty"),
    ],
)
def test_a_file_with_no_usable_header_is_refused(tmp_path, agency, content, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "import",
            "records",
            str(write(tmp_path, "p.csv", content)),
            agency=agency.code,
            verbosity=0,
        )
    assert not SourceRecord.objects.exists()


def test_an_unreadable_encoding_is_refused(tmp_path, agency):
    path = tmp_path / "latin.csv"
    path.write_bytes((HEADER + "S1,Zoë,Brontë,2015-03-27,F,,,\n").encode("utf-16"))
    with pytest.raises(CommandError, match="UTF-8"):
        call_command("import", "records", str(path), agency=agency.code, verbosity=0)


def test_a_wrong_agency_code_is_refused(tmp_path, agency):
    with pytest.raises(CommandError, match="--agency: no organisation has the code 'nope'"):
        call_command(
            "import",
            "records",
            str(write(tmp_path, "p.csv", HEADER + GOOD)),
            agency="nope",
            verbosity=0,
        )


def test_xlsx_loads(tmp_path, agency):
    book = Workbook()
    sheet = book.active
    sheet.append(["Record ID", "Forename", "Surname", "DOB", "Sex", "Postcode"])
    sheet.append(["X1", "Maya", "Jones", "27/03/2015", "female", "ds14ab"])
    path = tmp_path / "records.xlsx"
    book.save(path)
    call_command("import", "records", str(path), agency=agency.code, verbosity=0)
    record = SourceRecord.objects.get(agency_record_id="X1")
    assert record.postcode == "DS1 4AB" and str(record.date_of_birth) == "2015-03-27"


def test_a_fhir_bundle_loads_and_links_by_nhs_number(tmp_path, agency):
    person = factories.person("Maya", "Jones", nhs_number="9434765919")
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "resource": {
                    "resourceType": "Patient",
                    "id": "pat-1",
                    "identifier": [
                        {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919"}
                    ],
                    "name": [{"family": "Jones", "given": ["Maya"]}],
                    "gender": "female",
                    "birthDate": "2015-03-27",
                    "address": [{"line": ["1 Mill Lane"], "postalCode": "DS1 4AB"}],
                }
            }
        ],
    }
    path = write(tmp_path, "gp.json", json.dumps(bundle))
    call_command("import", "records", str(path), agency=agency.code, verbosity=0)
    record = SourceRecord.objects.get(agency_record_id="pat-1")
    assert record.person == person and record.match_status == "automatic"
    assert record.address == "1 Mill Lane"


def test_json_that_is_not_fhir_is_refused(tmp_path, agency):
    path = write(tmp_path, "x.json", json.dumps({"resourceType": "Patient"}))
    with pytest.raises(CommandError, match="not a FHIR Bundle"):
        call_command("import", "records", str(path), agency=agency.code, verbosity=0)
    assert not SourceRecord.objects.exists()


def test_a_repeated_record_id_is_reported(tmp_path, agency, capsys):
    call_command(
        "import",
        "records",
        str(write(tmp_path, "p.csv", HEADER + GOOD + GOOD)),
        agency=agency.code,
        verbosity=1,
    )
    assert "repeats row 2" in capsys.readouterr().err
    assert SourceRecord.objects.count() == 2
