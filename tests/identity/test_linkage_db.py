"""Linking the database's records into persons: thresholds, stable persons, people's decisions."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError
from joinedup.identity import conf, linking, review
from joinedup.identity.models import LinkageRun, MatchCandidate
from joinedup.partnership.models import Role
from joinedup.people.models import MatchStatus, Person, SourceRecord
from tests import factories
from tests.identity.conftest import load_records

pytestmark = pytest.mark.django_db

MAYA = "Maya,Jones,2015-03-27,F,12 Mill Lane,DS1 4AB,9434765919,"
TWIN = "Zebedee,Jones,2015-03-27,F,12 Mill Lane,DS1 4AB,,"  # her twin: only the name differs
STRANGER = "Quentin,Zzyzx,1980-01-01,M,1 Far Road,ZZ9 9ZZ,,"


@pytest.fixture(autouse=True)
def records_wait_for_the_run(settings):
    """Loads here leave every record to the linkage run (no matching one by one)."""
    settings.JOINEDUP = {**settings.JOINEDUP, "LINKAGE": {"REALTIME_MAX_RECORDS": 0}}


@pytest.fixture
def maya(school):
    person = factories.person(
        "Maya", "Jones", date(2015, 3, 27), sex="female", address="12 Mill Lane",
        postcode="DS1 4AB", nhs_number="9434765919",
    )  # fmt: skip
    factories.involvement(school, person)
    return person


@pytest.fixture
def health(db):
    return factories.organisation("Millbrook GP", sector="health")


@pytest.fixture
def police(db):
    return factories.organisation("Police", sector="police")


@pytest.fixture
def admin(school):
    return factories.practitioner(school, roles=(Role.Code.ADMINISTRATOR,))


def run(**options) -> LinkageRun:
    started = linking.run_start(actor=None, trigger=LinkageRun.Trigger.COMMAND)
    return linking.linkage_run(run=started, actor=None, **options)


def record(agency_record_id: str) -> SourceRecord:
    return SourceRecord.objects.get(agency_record_id=agency_record_id)


def links() -> dict[str, tuple[int | None, str, float | None]]:
    return {
        r.agency_record_id: (r.person_id, r.match_status, r.match_probability)
        for r in SourceRecord.objects.all()
    }


def test_thresholds_send_records_to_a_person_to_review_or_to_a_new_person(
    saved_model, maya, school, health, police
):
    load_records(school, [f"S1,{MAYA}"])
    load_records(health, [f"H1,{TWIN}"])
    load_records(police, [f"X1,{STRANGER}"])
    done = run()
    assert done.status == "done" and done.records == 3
    sure = record("S1")
    assert sure.person == maya and sure.match_status == MatchStatus.AUTOMATIC
    assert sure.match_probability >= 0.9
    twin = record("H1")
    assert twin.person is None and twin.match_status == MatchStatus.REVIEW
    waiting = MatchCandidate.objects.get(source_record=twin)
    assert waiting.person == maya and waiting.status == "pending"
    levels = {bar["comparison"]: bar["level"] for bar in waiting.evidence}
    assert levels["Given name"] == "Different"
    # Plain English, not the model's keys: a value one record lacks is "not recorded".
    assert "Not recorded on one or both records" in levels.values()
    assert not any(level.endswith(" missing") for level in levels.values())
    assert sum(bar["weight"] for bar in waiting.evidence) == pytest.approx(
        waiting.match_weight, abs=1e-3
    )
    stranger = record("X1")
    assert stranger.match_status == MatchStatus.AUTOMATIC
    assert stranger.person.given_name == "Quentin" and stranger.person.reference.startswith("P-")
    assert (done.persons_created, done.queued) == (1, 1)
    event = AccessEvent.objects.get(object_type="identity.linkagerun")
    assert set(event.person_ids) >= {maya.pk, stranger.person_id}


def test_the_thresholds_come_from_the_settings(saved_model, maya, school, settings):
    load_records(school, [f"S1,{MAYA}"])
    settings.JOINEDUP = {**settings.JOINEDUP, "LINKAGE": {"AUTOMATIC": 0.9999999999}}
    started = linking.run_start(actor=None, trigger=LinkageRun.Trigger.COMMAND)
    assert started.automatic_threshold == 0.9999999999
    settings.JOINEDUP = {**settings.JOINEDUP, "LINKAGE": {"AUTOMATIC": 0.4}}
    with pytest.raises(ImproperlyConfigured, match=r'REVIEW.*must be below.*"AUTOMATIC"'):
        conf.linkage_settings()


def test_persons_stay_the_same_across_runs_and_new_ones_only_for_new_people(
    saved_model, maya, school, health, police
):
    load_records(school, [f"S1,{MAYA}"])
    load_records(police, [f"X1,{STRANGER}"])
    run()
    quentin = record("X1").person_id
    persons = set(Person.objects.values_list("pk", flat=True))
    load_records(health, [f"H2,{MAYA}", f"X2,{STRANGER.replace('1 Far Road', '1 Far Rd')}"])
    second = run()
    assert set(Person.objects.values_list("pk", flat=True)) == persons
    assert record("H2").person == maya and record("X2").person_id == quentin
    assert record("S1").person == maya and record("X1").person_id == quentin
    assert second.persons_created == 0 and second.linked == 1  # H2 by NHS number, at load
    load_records(health, ["H3,Ivy,Stone,2001-02-03,F,9 Hill Top,DS9 1ZZ,,"])
    third = run()
    assert third.persons_created == 1
    assert set(Person.objects.values_list("pk", flat=True)) - persons == {record("H3").person_id}


def test_running_again_with_nothing_new_changes_nothing(saved_model, maya, school, health, police):
    load_records(school, [f"S1,{MAYA}"])
    load_records(health, [f"H1,{TWIN}"])
    load_records(police, [f"X1,{STRANGER}", f"X2,{STRANGER}"])
    run()
    before = links()
    candidates = list(MatchCandidate.objects.values_list("pk", "probability", "status"))
    persons, events = Person.objects.count(), AccessEvent.objects.count()
    again = run()
    assert links() == before
    assert list(MatchCandidate.objects.values_list("pk", "probability", "status")) == candidates
    assert Person.objects.count() == persons
    assert AccessEvent.objects.count() == events  # nothing written, so nothing to audit
    assert (again.linked, again.persons_created, again.candidates_created) == (0, 0, 0)
    assert again.candidates_removed == 0 and again.unchanged == 4


def test_a_confirmed_link_is_never_broken(saved_model, maya, school, admin):
    other = factories.person("Olive", "Green", date(2009, 1, 1))
    load_records(school, [f"S1,{MAYA}"])
    run()
    assert record("S1").person == maya
    suggestion = MatchCandidate.objects.create(
        source_record=record("S1"), person=other, probability=0.6
    )
    review.candidate_decide(actor=admin, candidate=suggestion, same=True)
    for _ in range(2):
        run()
        kept = record("S1")
        assert kept.person == other and kept.match_status == MatchStatus.CONFIRMED
    assert not MatchCandidate.objects.filter(source_record=kept, status="pending").exists()
    # The record is Maya's details confirmed as Olive: the two persons may be one, for a person
    # to decide.
    assert MatchCandidate.objects.filter(duplicate__in=[maya, other], status="pending").exists()


def test_a_rejected_pair_is_never_linked_again(saved_model, maya, school, health, admin):
    load_records(school, [f"S1,{MAYA}"])
    load_records(health, [f"H1,{TWIN}"])
    run()
    waiting = MatchCandidate.objects.get(source_record=record("H1"), person=maya)
    review.candidate_decide(actor=admin, candidate=waiting, same=False)
    twin = record("H1")
    assert twin.person is not None and twin.person != maya  # a person of her own at once
    strong = MatchCandidate.objects.create(source_record=record("S1"), person=maya, probability=1)
    review.candidate_decide(actor=admin, candidate=strong, same=False)
    assert record("S1").person != maya
    for _ in range(2):
        run()
        assert record("H1").person_id == twin.person_id
        assert record("S1").person != maya
        assert not MatchCandidate.objects.filter(person=maya, status="pending").exists()
    with pytest.raises(ApplicationError, match="different people") as refused:
        review.person_merge(actor=admin, kept=maya, merged=twin.person, reason="Looks alike")
    assert "Millbrook GP's record H1" in refused.value.message


def test_a_person_entered_twice_is_proposed_for_a_merge(saved_model, maya, school, admin):
    entered = factories.person(
        "Maya", "Jones", date(2015, 3, 27), sex="female", postcode="DS1 4AB"
    )  # for example by a practitioner raising a request who could not see Maya
    load_records(school, [f"S1,{MAYA}"])
    run()
    proposal = MatchCandidate.objects.get(duplicate=entered)
    assert proposal.person == maya and proposal.source_record is None
    assert record("S1").person == maya
    review.candidate_decide(actor=admin, candidate=proposal, same=True)
    entered.refresh_from_db()
    assert entered.merged_into == maya
    assert run().candidates_created == 0


def test_a_merge_against_confirmed_decisions_is_refused_with_the_reason(maya, school, admin):
    may = factories.person("May", "Jones", date(2015, 3, 27))
    load_records(school, [f"S1,{MAYA}", f"S2,{MAYA.replace('Maya', 'May')}"])
    for agency_id, person in (("S1", maya), ("S2", may)):
        candidate = MatchCandidate.objects.create(
            source_record=record(agency_id), person=person, probability=0.7
        )
        review.candidate_decide(actor=admin, candidate=candidate, same=True)
    with pytest.raises(ApplicationError, match="S1 and S2 were each confirmed") as refused:
        review.person_merge(actor=admin, kept=maya, merged=may, reason="Same child")
    assert refused.value.status == 409
    may.refresh_from_db()
    assert may.merged_into is None


def test_too_few_records_to_train_a_model_fails_with_the_reason(school):
    load_records(school, [f"S1,{MAYA}"])
    with pytest.raises(ApplicationError, match="at least 200"):
        run()
    failed = LinkageRun.objects.get()
    assert failed.status == "failed" and "at least 200" in failed.message
    assert record("S1").person is None


def test_the_model_is_trained_from_the_records_when_none_is_saved(
    synthetic_rows, school, health, police
):
    from joinedup.identity.models import LinkageModelVersion

    agencies = {"gp": health, "school": school, "police": police}
    lines = [
        ",".join([f"R{i}", r["given_name"], r["family_name"], r["date_of_birth"], r["sex"],
                  r["address"].replace(",", " "), r["postcode"], r["nhs_number"], r["upn"]])
        for i, r in enumerate(synthetic_rows[:600])
    ]  # fmt: skip
    for i, agency in enumerate(agencies.values()):
        load_records(agency, lines[i::3])
    done = run()
    trained = LinkageModelVersion.objects.get()
    assert trained.trained_on == 600 and done.model == trained
    assert done.persons_created < 600 and done.records == 600


def test_the_command_validates_its_arguments(saved_model, school, tmp_path):
    for args, message in [
        (["--automatic", "1.5"], "between 0 and 1"),
        (["--automatic", "lots"], "'lots' is not a number"),
        (["--automatic", "0.8", "--review", "0.85"], r"--review \(0.85\) must be below"),
        (["--model", str(tmp_path / "none.json")], "does not exist"),
        (["--model", "m.json", "--retrain"], "not allowed with argument"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("link_records", *args, verbosity=0)
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    with pytest.raises(CommandError, match="model version"):
        call_command("link_records", "--model", str(broken), verbosity=0)
    assert not LinkageRun.objects.exists()


def test_the_command_links_and_reports(saved_model, maya, school, capsys):
    load_records(school, [f"S1,{MAYA.replace('9434765919', '')}", f"S2,{STRANGER}"])
    call_command("link_records", "--automatic", "0.95", "--review", "0.6", verbosity=1)
    out = capsys.readouterr().out
    assert "2 records" in out and "2 linked" in out and "1 new persons" in out
    assert LinkageRun.objects.get().automatic_threshold == 0.95
    assert record("S1").person == maya
