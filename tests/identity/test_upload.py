from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from joinedup.audit.models import AccessEvent
from joinedup.identity.models import ImportJob
from joinedup.partnership.models import Role
from joinedup.people.models import SourceRecord
from tests import factories

pytestmark = pytest.mark.django_db
CSV = (
    b"record_id,given_name,family_name,date_of_birth,postcode\n"
    b"H1,Maya,Jones,2015-03-27,DS1 4AB\nH2,Sam,Jones,not a date,DS1 4AB\n"
)


@pytest.fixture
def data_lead(school):
    return factories.practitioner(school, roles=(Role.Code.AGENCY_DATA_LEAD,))


def test_a_data_lead_uploads_and_watches_the_load(client, data_lead, school):
    client.force_login(data_lead)
    response = client.post(
        reverse("identity:upload"), {"file": SimpleUploadedFile("pupils.csv", CSV, "text/csv")}
    )
    job = ImportJob.objects.get()
    assert response.url == reverse("identity:import", args=[job.pk])
    html = client.get(response.url).content.decode()
    assert "Loaded" in html and "1 new" not in html and "2 new" in html
    assert "date_of_birth" in html and "(left empty)" in html
    assert SourceRecord.objects.filter(organisation=school).count() == 2


def test_a_file_that_is_not_readable_loads_nothing(client, data_lead):
    client.force_login(data_lead)
    client.post(
        reverse("identity:upload"),
        {"file": SimpleUploadedFile("x.json", b"{}", "application/json")},
    )
    job = ImportJob.objects.get()
    assert job.status == "failed" and "FHIR Bundle" in job.message
    assert not SourceRecord.objects.exists()


def test_practitioners_who_are_not_the_data_lead_are_refused(client, teacher, outsider, data_lead):
    client.force_login(data_lead)
    client.post(reverse("identity:upload"), {"file": SimpleUploadedFile("a.csv", CSV)})
    job = ImportJob.objects.get()
    for user in (teacher, outsider):
        client.force_login(user)
        assert client.get(reverse("identity:upload")).status_code == 404
        assert client.get(reverse("identity:import", args=[job.pk])).status_code == 404
    assert AccessEvent.objects.filter(action="refused").count() >= 4


def test_the_api_loads_and_reports_problems(client, data_lead, school, outsider):
    client.force_login(data_lead)
    url = f"/api/v1/agencies/{school.code}/records"
    body = client.post(url, {"file": SimpleUploadedFile("p.csv", CSV)}).json()
    assert body["created"] == 2 and body["problems"][0]["column"] == "date_of_birth"
    strict = client.post(url, {"file": SimpleUploadedFile("p.csv", CSV), "strict": "true"})
    assert strict.status_code == 422 and strict.json()["field"] == "file"
    client.force_login(outsider)
    refused = client.post(url, {"file": SimpleUploadedFile("p.csv", CSV)})
    missing = client.post(
        "/api/v1/agencies/no-such/records", {"file": SimpleUploadedFile("p.csv", CSV)}
    )
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
