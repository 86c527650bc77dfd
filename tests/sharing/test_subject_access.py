"""Subject access: everything about one person, other people redacted, for the data-protection
officer only, every download audited."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import path, reverse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import django_auth

from joinedup.audit.models import AccessEvent
from joinedup.chronology.services import chronology_entry_record
from joinedup.config.urls import urlpatterns as main_urlpatterns
from joinedup.episodes import services as team
from joinedup.errors import NotFound
from joinedup.frontdoor import services as casework
from joinedup.partnership.models import Role
from joinedup.people import selectors as people_selectors
from joinedup.people import services as people
from joinedup.records import subject_access
from joinedup.records.api import router as subject_access_router
from joinedup.records.subject_access import ANOTHER_PERSON, Redactor
from joinedup.sharing import services as sharing
from joinedup.sharing.models import SharingDecision
from tests import factories

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'(?:name="csrfmiddlewaretoken" value|nonce)="[^"]+"')

# The API router, mounted as api/api.py will mount it, so its tests do not wait for that line.
_api = NinjaAPI(urls_namespace="subject-access-test", auth=django_auth)
_api.add_exception_handler(
    NotFound,
    lambda request, exc: _api.create_response(
        request, {"message": "Not found", "field": None}, status=404
    ),
)
_api.add_router("", subject_access_router)
urlpatterns = [path("test-api/", _api.urls), *main_urlpatterns]


def build_family(*, teacher, school, front_door, name_suffix: str = "") -> SimpleNamespace:
    """Maya (the subject), her mother Sarah, her brother Leo and Darren Whitlock, the mother's
    partner, with a request, an episode, a chronology, consent and emergency access about Maya.
    Free text names the others, as practitioners write it."""
    child = factories.person("Maya", "Jones", nhs_number="9434765919")
    mother = factories.person("Sarah", "Jones", kind="adult", nhs_number="9434765870")
    brother = factories.person("Leo", "Jones")
    partner = factories.person("Darren", "Whitlock", kind="adult")
    for p in (child, brother):
        factories.involvement(school, p, service="Pupil")
    factories.involvement(school, mother, service="Parent of pupils", kind="universal")
    people.family_create(actor=None, name="Jones family", members=[child, mother, brother, partner])
    people.relationship_add(
        actor=None, person=mother, relative=child, kind="parent", parental_responsibility=True
    )
    people.relationship_add(actor=None, person=brother, relative=child, kind="sibling")
    people.relationship_add(actor=None, person=partner, relative=mother, kind="partner")

    draft = casework.request_start(actor=teacher, immediate_risk=False)
    for p in (child, brother, mother):
        casework.request_add_person(actor=teacher, request=draft, person_id=p.pk)
    casework.request_describe(
        actor=teacher,
        request=draft,
        concern="Maya says Sarah and Darren Whitlock argue at night. Leo is often late.",
        needs=[],
        family_wants="Sarah wants help with mornings.",
        family_agreement="yes",
        contact_telephone="01632 960000",
    )
    request = casework.request_submit(actor=teacher, request=draft)
    casework.request_decide(
        actor=front_door,
        request=request,
        outcome="early_help",
        reasons="Sarah Jones agrees to early help for Maya and Leo.",
        lead_professional=teacher,
    )
    request.refresh_from_db()
    episode = request.episode
    mum = team.member_add(actor=teacher, episode=episode, person=mother, role="Mum")
    outcome = team.outcome_add(actor=teacher, episode=episode, text="Maya gets to school on time")
    team.action_add(
        actor=teacher,
        episode=episode,
        owner=mum,
        text="Sarah to walk Maya and Leo to school",
        due_on=timezone.localdate() + timedelta(days=14),
        outcome=outcome,
    )
    team.meeting_record(
        actor=teacher,
        episode=episode,
        kind="team",
        held_on=timezone.localdate(),
        attendance={mum.pk: "attended"},
        family_attended=True,
        family_said="Sarah said Darren has moved out. Leo is happier.",
        notes="Good progress.",
        decisions=[("Carry on with the plan", "Maya is on time most days")],
    )
    decision = team.decision_record(
        actor=teacher, episode=episode, text="Offer a parenting course", reasons="Sarah asked"
    )
    team.incident_record(
        actor=teacher,
        episode=episode,
        kind="missing",
        occurred_at=timezone.now() - timedelta(days=1),
        description="Maya went missing for two hours with Leo Jones; found at the park.",
    )
    chronology_entry_record(
        actor=teacher,
        person=child,
        kind="new_adult_in_household",
        occurred_on=timezone.localdate() - timedelta(days=3),
        text="Maya told her teacher that Darren stays most nights.",
    )
    consent = sharing.consent_give(
        actor=teacher,
        person=child,
        given_by="parental_responsibility",
        given_by_name="Sarah Jones",
        given_by_relationship="Mother",
        organisations=[school],
        sectors=["health"],
        purposes=["assessment"],
        method="written",
        evidence="Signed form; Sarah kept a copy",
        given_on=timezone.localdate(),
    )
    return SimpleNamespace(
        child=child,
        mother=mother,
        brother=brother,
        partner=partner,
        request=request,
        episode=episode,
        decision=decision,
        consent=consent,
        others=[mother, brother, partner],
    )


def sharing_decision(child, teacher, school) -> SharingDecision:
    decision = SharingDecision.objects.create(
        person=child,
        choice="share",
        what="Attendance and the worry about Darren Whitlock",
        categories=["education"],
        purpose="safeguarding",
        lawful_basis="public_task",
        statutory_duty="ca2004_s11",
        reasons="Sarah agreed; Leo's school needs to know.",
        decided_by=teacher,
        organisation=school,
        decided_at=timezone.now(),
    )
    decision.recipients.add(school)
    return decision


@pytest.fixture
def front_door(school):
    return factories.practitioner(
        school, roles=(Role.Code.FRONT_DOOR,), profession="early_help_worker"
    )


@pytest.fixture
def family(teacher, school, front_door, outsider):
    fam = build_family(teacher=teacher, school=school, front_door=front_door)
    sharing_decision(fam.child, teacher, school)
    sharing.break_glass_open(
        actor=outsider,
        reference=fam.child.reference,
        reason="Police: Maya is missing, perhaps with Darren Whitlock",
    )
    people_selectors.person_get(user=teacher, person_id=fam.child.pk)
    return fam


def forbidden_words(fam) -> list[str]:
    """Every way the other family members could show up."""
    words = []
    for p in fam.others:
        words += [p.given_name, f"{p.given_name} {p.family_name}", p.reference]
        words += [w for w in (p.nhs_number,) if w]
    return [*words, "Whitlock"]


def body(response) -> str:
    return CSRF.sub("", response.content.decode())


def test_json_has_the_persons_records_and_no_other_persons_name(client, dpo, family, teacher):
    client.force_login(dpo)
    response = client.get(reverse("records:subject-access-json", args=[family.child.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    leaked = [w for w in forbidden_words(family) if w.lower() in text.lower()]
    assert not leaked, f"other people in the export: {leaked}"
    assert teacher.get_full_name() not in text  # practitioners by role and organisation

    data = json.loads(text)
    assert (data["schema"], data["version"]) == ("joinedup.subject-access", 1)
    assert data["person"]["reference"] == family.child.reference
    assert data["person"]["given_name"] == "Maya"
    assert data["person"]["nhs_number"] == "9434765919"
    assert {f["name"] for f in data["families"]} == {"Jones family"}
    members = data["families"][0]["other_members"]
    assert len(members) == 3 and {m["who"] for m in members} == {ANOTHER_PERSON}
    assert {r["relationship"] for r in data["relationships"]} == {"Parent", "Sibling"}
    assert data["involvements"][0]["organisation"] == "Oakfield Primary School"
    [request] = data["requests_for_support"]
    assert request["reference"] == family.request.reference
    assert request["concern"] == (
        "Maya says [another person] and [another person] argue at night. "
        "[another person] is often late."
    )
    assert request["other_people_in_request"] == 2
    assert request["decision"]["decided_by"]["role"] == "Early help worker"
    [episode] = data["episodes"]
    assert episode["reference"] == family.episode.reference
    assert episode["plan"]["actions"][0]["owner"] == {"who": ANOTHER_PERSON, "role": "Mum"}
    assert episode["meetings"][0]["family_said"].startswith("[another person] said")
    assert {d["text"] for d in episode["decisions"]} == {
        "Offer a parenting course",
        "Carry on with the plan",
    }
    assert episode["critical_incidents"][0]["description"].startswith("Maya went missing")
    assert (
        data["chronology"][0]["text"]
        == "Maya told her teacher that [another person] stays most nights."
    )
    [consent] = data["consent_records"]
    assert (
        consent["given_by_name"] == ANOTHER_PERSON and consent["given_by_relationship"] == "Mother"
    )
    assert data["sharing_decisions"][0]["lawful_basis"].startswith("Public task")
    assert data["emergency_access"][0]["by"]["organisation"] == "Unrelated Housing Association"
    organisations = {row["organisation"] for row in data["access_history"]}
    assert "Oakfield Primary School" in organisations


def test_the_page_and_the_pdf_show_the_same_without_other_people(client, dpo, family):
    client.force_login(dpo)
    page = client.get(reverse("records:subject-access-person", args=[family.child.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Everything we hold about Maya Jones" in html
    assert family.request.reference in html and family.episode.reference in html
    assert "Who has accessed this record" in html and "Download as PDF" in html
    leaked = [w for w in forbidden_words(family) if w.lower() in html.lower()]
    assert not leaked, f"other people on the page: {leaked}"
    assert '<style media="print"' in html  # the print stylesheet (with its CSP nonce)

    pdf = client.get(reverse("records:subject-access-pdf", args=[family.child.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and len(pdf.content) > 5000
    assert "attachment" in pdf["Content-Disposition"]


def test_each_download_is_an_export_event_naming_the_person(client, dpo, family):
    client.force_login(dpo)
    for name, fmt in [
        ("records:subject-access-person", "html"),
        ("records:subject-access-json", "json"),
        ("records:subject-access-pdf", "pdf"),
    ]:
        client.get(reverse(name, args=[family.child.pk]))
        event = AccessEvent.objects.filter(actor=dpo).order_by("-seq").first()
        assert event.action == "export" and event.detail["format"] == fmt
        assert event.person_ids == [family.child.pk]
        assert event.purpose == "subject access"


@pytest.mark.parametrize("who", ["teacher", "outsider"])
def test_anyone_else_gets_the_same_404_as_a_missing_page_audited(client, family, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for name in ("subject-access-person", "subject-access-json", "subject-access-pdf"):
        before = AccessEvent.objects.filter(actor=user, action="refused").count()
        real = client.get(reverse(f"records:{name}", args=[family.child.pk]))
        missing = client.get(reverse(f"records:{name}", args=[10**9]))
        assert real.status_code == missing.status_code == 404
        assert body(real) == body(missing)
        assert AccessEvent.objects.filter(actor=user, action="refused").count() == before + 2
    assert client.get(reverse("records:subject-access")).status_code == 404
    assert not AccessEvent.objects.filter(actor=user, action="export").exists()


def test_the_officer_finds_a_person_by_reference_and_an_unknown_one_is_named(client, dpo, family):
    client.force_login(dpo)
    start = reverse("records:subject-access")
    assert client.get(start).status_code == 200
    found = client.get(start, {"reference": family.child.reference.lower()})
    assert found.status_code == 302
    assert found.url == reverse("records:subject-access-person", args=[family.child.pk])
    unknown = client.get(start, {"reference": "P-NOSUCH99"})
    assert unknown.status_code == 200 and "No person has this reference" in unknown.content.decode()
    empty = client.get(start, {"reference": ""})
    assert "Enter the person&#x27;s reference" in empty.content.decode()


def test_a_missing_person_is_refused_and_audited_for_the_officer_too(client, dpo):
    client.force_login(dpo)
    assert client.get(reverse("records:subject-access-json", args=[10**9])).status_code == 404
    assert AccessEvent.objects.filter(actor=dpo, action="refused").exists()


@pytest.mark.urls("tests.sharing.test_subject_access")
def test_the_api_gives_the_officer_the_same_export_and_anyone_else_404(
    client, dpo, family, outsider
):
    url = f"/test-api/people/{family.child.pk}/subject-access"
    client.force_login(dpo)
    response = client.get(url)
    assert response.status_code == 200
    data = response.json()
    assert data["schema"] == "joinedup.subject-access" and data["version"] == 1
    assert data["person"]["reference"] == family.child.reference
    text = response.content.decode()
    assert not [w for w in forbidden_words(family) if w.lower() in text.lower()]
    assert AccessEvent.objects.filter(actor=dpo, action="export").count() == 1

    client.force_login(outsider)
    real, missing = client.get(url), client.get("/test-api/people/999999999/subject-access")
    assert real.status_code == missing.status_code == 404
    assert real.json() == missing.json()


def test_a_record_merged_into_the_person_is_included(dpo, family):
    duplicate = factories.person("Maya", "Jones")
    chronology_duplicate = duplicate.pk
    type(duplicate).objects.filter(pk=chronology_duplicate).update(merged_into=family.child)
    export = subject_access.subject_access_export(
        user=dpo, person_id=family.child.pk, format="json"
    )
    assert export.data["person"]["merged_records"] == [duplicate.reference]
    event = AccessEvent.objects.filter(actor=dpo, action="export").get()
    assert sorted(event.person_ids) == sorted([family.child.pk, duplicate.pk])


def test_a_young_persons_own_consent_keeps_their_name(dpo, teacher, school, child):
    sharing.consent_give(
        actor=teacher,
        person=child,
        given_by="young_person",
        organisations=[school],
        sectors=[],
        purposes=["planning"],
        method="verbal",
        given_on=timezone.localdate(),
    )
    data = subject_access.build(child)
    assert data["consent_records"][0]["given_by_name"] == "Maya Jones"


def test_the_export_of_a_person_with_nothing_else_still_has_every_section(dpo):
    lonely = factories.person("Ada", "Lovelace", kind="adult")
    data = subject_access.build(lonely)
    for key in subject_access.SECTION_KEYS:
        assert key in data
    assert data["requests_for_support"] == [] and data["access_history"] != []  # its creation
    sections = subject_access.document(data)
    assert sections[0].heading == "Details"
    assert all(s.fields or s.children or s.rows or s.empty for s in sections)


def test_the_redactor_replaces_names_as_whole_words_and_keeps_the_subjects_own():
    redactor = Redactor(
        {
            "Sarah Jones": ANOTHER_PERSON,
            "Sarah": ANOTHER_PERSON,
            "Jones": ANOTHER_PERSON,
            "Al": ANOTHER_PERSON,
        },
        own=["Maya Jones", "Maya", "Jones"],
    )
    text = "SARAH  Jones met Maya Jones; Sarah's sister Sarahann came. Al and Alice. Jones."
    assert redactor.text(text) == (
        "[another person] met Maya Jones; [another person]'s sister Sarahann came. "
        "[another person] and Alice. Jones."
    )
    assert redactor.value({"a": ["Sarah", 3, None]}) == {"a": ["[another person]", 3, None]}


def test_the_export_is_stable_to_a_uuid_and_dates(dpo, family):
    data = subject_access.build(family.child)
    consent = data["consent_records"][0]
    assert uuid.UUID(consent["record_id"]) == family.consent.record_id
    assert consent["effective_on"] == timezone.localdate()


def test_practitioners_named_in_the_text_are_replaced_but_never_the_subjects_own_name(
    dpo, teacher, child
):
    gp = factories.practitioner(factories.organisation("Millbrook Surgery", sector="health"))
    gp.first_name, gp.last_name = "Dana", "Scully"
    gp.save()
    namesake = factories.practitioner(factories.organisation("Other School"))
    namesake.first_name, namesake.last_name = "Maya", "Jones"
    namesake.save()
    chronology_entry_record(
        actor=teacher,
        person=child,
        kind="other",
        occurred_on=timezone.localdate(),
        text="Spoke to Dana Scully at the surgery about Maya Jones.",
    )
    data = subject_access.build(child)
    assert (
        data["chronology"][0]["text"]
        == "Spoke to [a practitioner] at the surgery about Maya Jones."
    )
    assert data["person"]["given_name"] == "Maya"


def test_the_export_reads_in_a_constant_number_of_queries(
    dpo, family, teacher, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        subject_access.build(family.child)
    mum = family.episode.members.get(person=family.mother)
    for n in range(3):
        team.meeting_record(
            actor=teacher,
            episode=family.episode,
            kind="review",
            held_on=timezone.localdate(),
            attendance={mum.pk: "attended"},
            notes=f"Review {n}",
            decisions=[(f"Decision {n}", "Because")],
        )
        chronology_entry_record(
            actor=teacher,
            person=family.child,
            kind="other",
            occurred_on=timezone.localdate(),
            text=f"Entry {n}",
        )
    with django_assert_max_num_queries(len(first)):
        subject_access.build(family.child)
