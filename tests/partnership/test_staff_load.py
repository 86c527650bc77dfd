"""Setting up staff in bulk: CSV and XLSX, a row-level report, all or nothing, re-loads
update, leavers deactivated with their open work listed for handover."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership import services
from joinedup.partnership.models import Practitioner, Role
from joinedup.partnership.staff import read_staff_file
from tests import factories
from tests.recording.conftest import hidden_fields

pytestmark = pytest.mark.django_db
HEADER = "organisation,team,name,email,profession,roles,line manager\n"


@pytest.fixture
def admin(db):
    org = factories.organisation("Demo Council", sector="statutory")
    return factories.practitioner(org, roles=(Role.Code.ADMINISTRATOR,))


@pytest.fixture
def newcomer(db):
    return factories.organisation("Riverside Youth Project", sector="voluntary")


def csv_file(*lines: str) -> bytes:
    return (HEADER + "\n".join(lines) + "\n").encode()


def load(admin, data: bytes, name="staff.csv", **extra):
    return services.staff_load(actor=admin, rows=read_staff_file(name, data), **extra)


GOOD = (
    "org-RIVER,Youth work,Sam Okafor,sam@river.example,Youth worker,practitioner;front_door,",
    "Riverside Youth Project,Youth work,Ana Silva,ana@river.example,youth_worker,,"
    "sam@river.example",
)


def test_csv_creates_practitioners_with_teams_roles_and_managers(admin, newcomer):
    newcomer.code = "org-river"
    newcomer.save()
    report = load(admin, csv_file(*GOOD))
    assert report.ok and sorted(report.created) == ["ana@river.example", "sam@river.example"]
    ana = Practitioner.objects.get(email="ana@river.example")
    assert ana.organisation == newcomer and ana.team.name == "Youth work"
    assert ana.line_manager.email == "sam@river.example" and ana.profession == "youth_worker"
    sam = Practitioner.objects.get(email="sam@river.example")
    assert sam.role_codes == {"practitioner", "front_door"}
    assert not sam.has_usable_password()
    assert AccessEvent.objects.filter(object_type="partnership.staff_load").exists()


def test_xlsx_is_read_too(admin, newcomer):
    book = Workbook()
    sheet = book.active
    sheet.append(["Organisation", "Team", "Name", "Email", "Profession", "Roles", "Line manager"])
    sheet.append(
        [newcomer.name, "Youth work", "Kai Brown", "kai@river.example", "Youth worker", "", ""]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    report = load(admin, buffer.getvalue(), name="staff.xlsx")
    assert report.created == ["kai@river.example"]


def test_a_bad_row_writes_nothing_and_names_the_row(admin, newcomer):
    data = csv_file(
        f"{newcomer.name},Youth work,Sam Okafor,sam@river.example,youth_worker,,",
        "Atlantis Council,Hub,Jo Bloggs,jo@atlantis.example,social_worker,,",
        f"{newcomer.name},Youth work,Ana Silva,not-an-email,youth_worker,wizard,",
    )
    report = load(admin, data)
    assert not report.ok
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "organisation"),
        (4, "email"),
        (4, "roles"),
    ]
    assert "Atlantis Council" in report.errors[0].message
    assert not Practitioner.objects.filter(email__endswith="river.example").exists()


def test_reload_updates_and_leavers_are_deactivated_with_their_work(admin, newcomer):
    load(admin, csv_file(*[line.replace("org-RIVER", newcomer.name) for line in GOOD]))
    sam = Practitioner.objects.get(email="sam@river.example")
    child = factories.person("Kyle", "Ward")
    factories.involvement(newcomer, child)
    from joinedup.episodes import services as casework

    episode = casework.episode_open_practitioner_led(actor=sam, persons=[child])
    updated = [
        f"{newcomer.name},Detached youth work,Ana Silva,ana@river.example,youth_worker,,",
    ]
    report = load(admin, csv_file(*updated), deactivate_missing=True)
    assert report.updated == ["ana@river.example"] and report.deactivated == ["sam@river.example"]
    assert Practitioner.objects.get(email="ana@river.example").team.name == "Detached youth work"
    sam.refresh_from_db()
    assert not sam.is_active
    assert report.handover[0].episodes_led == [episode]


def test_status_left_deactivates(admin, newcomer):
    load(admin, csv_file(f"{newcomer.name},Youth,Sam Okafor,sam@river.example,youth_worker,,"))
    line = f"{newcomer.name},Youth,Sam Okafor,sam@river.example,youth_worker,,"
    data = (HEADER.strip() + ",status\n" + line + ",left\n").encode()
    report = load(admin, data)
    assert report.deactivated == ["sam@river.example"]
    assert not Practitioner.objects.get(email="sam@river.example").is_active


def test_a_stray_carriage_return_is_read_or_refused_cleanly(admin):
    for data in (b"\r\x01", b'"a\rb', HEADER.encode().replace(b"\n", b"\r\n")):
        try:
            read_staff_file("staff.csv", data)
        except ApplicationError as error:
            assert error.field == "file"


def test_missing_column_refused(admin):
    with pytest.raises(ApplicationError) as error:
        read_staff_file("staff.csv", b"organisation,name,email\nx,y,z\n")
    assert error.value.field == "file" and "team" in error.value.message


def test_only_administrators(newcomer, teacher):
    with pytest.raises(NotFound):
        services.staff_load(actor=teacher, rows=[])


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_cleanly(admin, data):
    try:
        rows = read_staff_file("staff.csv", data)
    except ApplicationError as error:
        assert error.field == "file"
        return
    report = services.staff_load(actor=admin, rows=rows)
    assert report.ok or report.errors


def test_page_submits_and_reports(client, admin, newcomer):
    client.force_login(admin)
    url = reverse("partnership:staff-load")
    page = client.get(url).content.decode()
    data = {
        **hidden_fields(page),
        "file": SimpleUploadedFile(
            "staff.csv",
            csv_file(f"{newcomer.name},Youth,Sam Okafor,sam@river.example,youth_worker,,"),
        ),
    }
    html = client.post(url, data).content.decode()
    assert "Staff loaded" in html and Practitioner.objects.filter(email="sam@river.example")
    bad = {"file": SimpleUploadedFile("staff.csv", csv_file("Nowhere,T,A B,a@b.example,other,,"))}
    html = client.post(url, bad).content.decode()
    assert "govuk-error-summary" in html and "unknown organisation" in html


def test_page_and_api_refuse_others(client, teacher, outsider):
    for user in (teacher, outsider):
        client.force_login(user)
        assert client.get(reverse("partnership:staff-load")).status_code == 404
        response = client.post(
            "/api/v1/organisations/staff", {"file": SimpleUploadedFile("s.csv", csv_file())}
        )
        assert response.status_code == 404


def test_api_loads_and_reports_rows(client, admin, newcomer):
    client.force_login(admin)
    good = csv_file(f"{newcomer.name},Youth,Sam Okafor,sam@river.example,youth_worker,,")
    response = client.post(
        "/api/v1/organisations/staff", {"file": SimpleUploadedFile("s.csv", good)}
    )
    assert response.status_code == 200 and response.json()["created"] == ["sam@river.example"]
    bad = csv_file("Nowhere,T,A B,a@b.example,other,,")
    response = client.post(
        "/api/v1/organisations/staff", {"file": SimpleUploadedFile("s.csv", bad)}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "row": 2,
        "field": "organisation",
        "message": "Row 2: unknown organisation 'Nowhere'.",
    }
