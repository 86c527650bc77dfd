"""Real-time matching: records as they are loaded, and a new person added to a request."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from joinedup.audit.models import AccessEvent
from joinedup.frontdoor import services as casework
from joinedup.identity import matching
from joinedup.identity.models import MatchCandidate
from joinedup.people.models import MatchStatus, Person, SourceRecord
from tests import factories
from tests.identity.conftest import load_records

pytestmark = pytest.mark.django_db

MAYA = "Maya,Jones,2015-03-27,F,12 Mill Lane,DS1 4AB,,"
TWIN = "Zebedee,Jones,2015-03-27,F,12 Mill Lane,DS1 4AB,,"
STRANGER = "Quentin,Zzyzx,1980-01-01,M,1 Far Road,ZZ9 9ZZ,,"


@pytest.fixture
def maya(school):
    person = factories.person(
        "Maya", "Jones", date(2015, 3, 27), sex="female", address="12 Mill Lane",
        postcode="DS1 4AB",
    )  # fmt: skip
    factories.involvement(school, person)
    return person


@pytest.fixture
def health(db):
    return factories.organisation("Millbrook GP", sector="health")


def test_loaded_records_are_matched_as_they_arrive(saved_model, maya, health):
    report = load_records(health, [f"H1,{MAYA}", f"H2,{TWIN}", f"H3,{STRANGER}", f"H4,{STRANGER}"])
    assert (report.matched, report.queued, report.new_persons, report.deferred) == (2, 1, 1, 0)
    found = SourceRecord.objects.get(agency_record_id="H1")
    assert found.person == maya and found.match_status == MatchStatus.AUTOMATIC
    twin = SourceRecord.objects.get(agency_record_id="H2")
    assert twin.person is None and twin.match_status == MatchStatus.REVIEW
    candidate = MatchCandidate.objects.get(source_record=twin)
    assert candidate.person == maya and candidate.evidence[0]["comparison"].startswith("Starting")
    # Two records of one new person in the same file: one new person, not two.
    first, second = SourceRecord.objects.filter(agency_record_id__in=["H3", "H4"])
    assert first.person_id == second.person_id is not None
    assert Person.objects.filter(given_name="Quentin").count() == 1
    event = AccessEvent.objects.get(object_type="identity.records_load")
    assert event.detail["matched"] == 2 and maya.pk in event.person_ids
    again = load_records(health, [f"H1,{MAYA}", f"H2,{TWIN}", f"H3,{STRANGER}", f"H4,{STRANGER}"])
    assert (again.created, again.matched, again.unchanged) == (0, 0, 4)


def test_a_load_without_a_model_or_too_large_is_left_to_a_linkage_run(maya, health, settings):
    report = load_records(health, [f"H1,{MAYA}"])
    assert report.deferred == 1 and SourceRecord.objects.get().person is None


def test_the_index_finds_persons_added_after_it_was_built(saved_model, maya):
    assert [m.person_id for m in matching.person_matches(
        {"given_name": "Maya", "family_name": "Jones", "date_of_birth": date(2015, 3, 27)},
        min_probability=0.5,
    )] == [maya.pk]  # fmt: skip
    isla = factories.person("Isla", "Ashworth", date(2016, 5, 9), postcode="HX1 2QT")
    found = matching.person_matches(
        {"given_name": "Isla", "family_name": "Ashworth", "date_of_birth": "2016-05-09"},
        min_probability=0.5,
    )
    assert [m.person_id for m in found] == [isla.pk] and found[0].probability > 0.9


def _add_new(client, draft, **extra):
    data = {
        "add_new": "1", "new-given_name": "Maya", "new-family_name": "Jones",
        "new-date_of_birth_0": "27", "new-date_of_birth_1": "3", "new-date_of_birth_2": "2015",
        "new-kind": "child", "new-sex": "female", "new-postcode": "DS1 4AB", **extra,
    }  # fmt: skip
    return client.post(reverse("frontdoor:request-people", args=[draft.pk]), data)


def test_the_request_form_offers_a_person_the_asker_already_works_with(
    client, saved_model, maya, teacher
):
    draft = casework.request_start(actor=teacher, immediate_risk=False)
    client.force_login(teacher)
    persons = Person.objects.count()
    offered = _add_new(client, draft)
    html = offered.content.decode()
    assert offered.status_code == 200 and "Probably the same person" in html
    assert maya.reference in html and f'name="add_existing" value="{maya.pk}"' in html
    assert "Date of birth" in html and "No, add as someone new" in html
    assert Person.objects.count() == persons and not draft.people.exists()
    shown = AccessEvent.objects.get(object_type="identity.probable_matches")
    assert shown.person_ids == [maya.pk] and shown.actor == teacher
    client.post(reverse("frontdoor:request-people", args=[draft.pk]), {"add_existing": maya.pk})
    assert list(draft.people.values_list("person", flat=True)) == [maya.pk]
    # Someone else after all: the asker says so and the new person is added.
    added = _add_new(client, draft, confirm_new="1")
    assert added.status_code == 302 and draft.people.count() == 2


def test_the_request_form_never_reveals_a_person_the_asker_cannot_see(
    client, saved_model, maya, outsider
):
    draft = casework.request_start(actor=outsider, immediate_risk=False)
    client.force_login(outsider)
    response = _add_new(client, draft)
    # The same as when nobody matches: the details are recorded as a new person at once.
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert maya.reference not in page and "Probably the same person" not in page
    entered = draft.people.get().person
    assert entered != maya and entered.postcode == "DS1 4AB"
    assert not AccessEvent.objects.filter(object_type="identity.probable_matches").exists()


def test_the_request_form_works_as_before_without_a_model(client, maya, teacher):
    draft = casework.request_start(actor=teacher, immediate_risk=False)
    client.force_login(teacher)
    assert _add_new(client, draft).status_code == 302


def test_a_large_upload_is_linked_by_a_run_watched_from_its_page(
    client, saved_model, maya, school, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from joinedup.identity.models import ImportJob
    from joinedup.partnership.models import Role
    from tests.identity.conftest import RECORD_HEADER

    settings.JOINEDUP = {**settings.JOINEDUP, "LINKAGE": {"REALTIME_MAX_RECORDS": 1}}
    lead = factories.practitioner(school, roles=(Role.Code.AGENCY_DATA_LEAD,))
    client.force_login(lead)
    content = f"{RECORD_HEADER}\nS1,{MAYA}\nS2,{STRANGER}\n".encode()
    client.post(reverse("identity:upload"), {"file": SimpleUploadedFile("pupils.csv", content)})
    job = ImportJob.objects.get()
    assert job.deferred == 2 and job.linkage_run.status == "done"
    assert SourceRecord.objects.get(agency_record_id="S1").person == maya
    page = client.get(reverse("identity:import", args=[job.pk])).content.decode()
    assert reverse("identity:linkage", args=[job.linkage_run.pk]) in page


def test_the_import_command_says_when_records_wait_for_a_run(tmp_path, maya, school, capsys):
    from django.core.management import call_command

    from tests.identity.conftest import RECORD_HEADER

    path = tmp_path / "pupils.csv"
    path.write_text(f"{RECORD_HEADER}\nS1,{MAYA}\n", encoding="utf-8")
    call_command("import", "records", str(path), agency=school.code, verbosity=1)
    assert "run `joinedup link-records`" in capsys.readouterr().out


def test_probably_the_same_person_catches_one_letter_of_a_given_name(saved_model, school, teacher):
    from joinedup.identity import conf, selectors

    joanne = factories.person(
        "Joanne", "Byrne", date(1988, 6, 14), sex="female", postcode="LS6 2AB"
    )
    factories.involvement(school, joanne)
    shown = selectors.probable_matches(
        user=teacher,
        details={
            "given_name": "Joanna", "family_name": "Byrne", "date_of_birth": date(1988, 6, 14),
            "postcode": "LS6 2AB",
        },
    )  # fmt: skip
    assert [item.person for item in shown] == [joanne]
    assert shown[0].match.probability >= conf.linkage_settings().thresholds.review
