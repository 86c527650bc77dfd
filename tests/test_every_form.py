"""Every form page in the product, submitted as a practitioner (or the family, or an officer)
would: the page is loaded, its own hidden fields (versions, tokens) taken from the HTML, the
visible ones filled, the form posted, and the change checked and found in the audit trail.
A page that loads is not a page that works.

A URL that is neither listed here as a form page nor as a page without a form fails the test
that classifies every URL, so a new form cannot be added without being submitted here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.demo import loader
from joinedup.episodes import services as team
from joinedup.episodes.models import (
    CriticalIncident,
    Disagreement,
    Episode,
    EpisodeStatus,
    TeamDecision,
)
from joinedup.frontdoor import services as frontdoor
from joinedup.frontdoor.models import RequestForSupport, RequestStatus, TriageDecision
from joinedup.outcomes.models import IdentifiedNeed, Measurement, OutcomeCategory
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy
from tests.formfill import Form, forms_in

pytestmark = pytest.mark.django_db

WRITES = ("create", "update", "delete", "export", "break_glass")
TEACHER = "amira.khan@oakfield.example"
HEALTH_VISITOR = "sarah.collins@hv.example"
FRONT_DOOR = "priya.shah@earlyhelp.example"
SOCIAL_WORKER = "daniel.hughes@socialcare.example"
CHARITY = "maria.silva@safeharbour.example"
MANAGER = "ravi.patel@earlyhelp.example"
DPO = "morgan.ellis@earlyhelp.example"
ADMIN = "alex.reid@earlyhelp.example"
MOTHER = "jodie.carter@family.example"


class Demo:
    """The demo partnership, and the records each form needs, found or made through services."""

    def user(self, email: str) -> Practitioner:
        return Practitioner.objects.get(email=email)

    @property
    def lead(self) -> Practitioner:
        """Who leads now (the lead changes on the way)."""
        return Episode.objects.get(pk=self.episode.pk).lead_professional

    @cached_property
    def episode(self) -> Episode:
        """An open episode of early help, with a team beyond its lead."""
        return (
            Episode.objects.filter(status=EpisodeStatus.OPEN, members__practitioner__isnull=False)
            .exclude(lead_professional__email__endswith="family.example")
            .order_by("pk")
            .first()
        )

    @cached_property
    def member(self) -> Practitioner:
        other = (
            self.episode.members.filter(left_at__isnull=True, practitioner__isnull=False)
            .exclude(practitioner=self.lead)
            .first()
        )
        assert other is not None
        return other.practitioner

    @cached_property
    def child(self) -> Person:
        return self.episode.persons.filter(kind="child").first()

    @cached_property
    def teacher_child(self) -> Person:
        return (
            policy.persons_visible_to(self.user(TEACHER))
            .filter(kind="child", address_confidential=False)
            .order_by("pk")
            .first()
        )

    @cached_property
    def draft(self) -> RequestForSupport:
        teacher = self.user(TEACHER)
        draft = frontdoor.request_start(actor=teacher, immediate_risk=False)
        frontdoor.request_add_person(actor=teacher, request=draft, person_id=self.unled_child.pk)
        return draft

    @cached_property
    def described(self) -> RequestForSupport:
        teacher = self.user(TEACHER)
        draft = frontdoor.request_start(actor=teacher, immediate_risk=False)
        frontdoor.request_add_person(actor=teacher, request=draft, person_id=self.unled_child.pk)
        frontdoor.request_describe(
            actor=teacher,
            request=draft,
            concern="Often hungry",
            needs=[],
            family_wants="Help",
            family_agreement="yes",
            not_asked_reason="",
            contact_telephone="01632 960000",
        )
        return draft

    @cached_property
    def triaged(self) -> RequestForSupport:
        """The newest request waiting at the front door (the one the teacher just sent)."""
        return (
            RequestForSupport.objects.filter(status=RequestStatus.RECEIVED).order_by("-pk").first()
        )

    @cached_property
    def decision(self) -> TeamDecision:
        return team.decision_record(
            actor=self.lead,
            episode=self.episode,
            text="Refer to the sleep clinic",
            reasons="Agreed",
        )

    @cached_property
    def disagreement(self) -> Disagreement:
        return team.disagreement_raise(
            actor=self.member, decision=self.decision, text="Too early: try routines first"
        )

    @cached_property
    def carters(self) -> Episode:
        return Episode.objects.filter(persons__reference="FAM-CARTER-1").distinct().get()

    @cached_property
    def newcomer(self) -> Practitioner:
        """A practitioner of another organisation not yet in the team."""
        return (
            Practitioner.objects.filter(organisation__isnull=False, is_active=True)
            .exclude(memberships__episode=self.episode)
            .exclude(profession__in=["data_protection_officer", "analyst"])
            .order_by("pk")
            .first()
        )

    @cached_property
    def social_worker(self) -> Practitioner:
        return self.user(SOCIAL_WORKER)

    def waiting_proposal(self) -> int:
        return self.episode.lead_proposals.get(status="waiting").pk

    @cached_property
    def unled_child(self) -> Person:
        """A child the teacher's school works with and no team is around yet."""
        return (
            policy.persons_visible_to(self.user(TEACHER))
            .filter(kind="child")
            .exclude(episodes__status__in=["open", "stepped_up", "stepped_down"])
            .order_by("pk")
            .first()
        )

    @cached_property
    def alert(self) -> Any:
        from joinedup.chronology.models import PatternAlert

        return (
            PatternAlert.objects.filter(acknowledged_at__isnull=True, episode__isnull=False)
            .order_by("pk")
            .first()
        )

    @cached_property
    def waiting_advice(self) -> Any:
        from joinedup.sharing.models import AdviceRequest

        return AdviceRequest.objects.filter(status="asked").order_by("pk").first()

    @cached_property
    def waiting_break_glass(self) -> Any:
        from joinedup.sharing.models import BreakGlass

        return BreakGlass.objects.filter(reviewed_at__isnull=True).order_by("pk").first()

    @property
    def hold(self) -> Any:
        from joinedup.records.models import LegalHold

        return LegalHold.objects.filter(lifted_at__isnull=True).order_by("-pk").first()

    @cached_property
    def candidate(self) -> Any:
        from joinedup.identity.models import MatchCandidate

        return MatchCandidate.objects.filter(status="pending").order_by("pk").first()

    def records_file(self) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        rows = (
            "record_id,given_name,family_name,date_of_birth,postcode\n"
            "EF-1,Rosa,Diaz,2016-05-04,DS1 4AB\n"
        )
        return SimpleUploadedFile("records.csv", rows.encode(), content_type="text/csv")

    def instrument_file(self) -> Any:
        from pathlib import Path

        from django.core.files.uploadedfile import SimpleUploadedFile

        import joinedup.insight

        shipped = Path(joinedup.insight.__file__).parent / "instruments"
        text = (shipped / "joinedup-collaboration-v1.toml").read_text()
        text = text.replace("joinedup-collaboration", "every-form-test", 1)
        return SimpleUploadedFile("instrument.toml", text.encode(), content_type="text/plain")

    @cached_property
    def open_round(self) -> Any:
        from joinedup.insight import services as insight
        from joinedup.insight.models import SurveyRound

        found = SurveyRound.objects.filter(status="open").order_by("pk").first()
        if found is None:
            manager = self.user(MANAGER)
            found = insight.round_create(
                actor=manager,
                instrument=insight.instruments_shipped_register()[0],
                name="Every form test round",
                opens_on=timezone.localdate(),
                closes_on=timezone.localdate() + timedelta(days=14),
            )
            found = insight.round_open(actor=manager, survey_round=found)
        return found

    @cached_property
    def incident(self) -> CriticalIncident:
        return team.incident_record(
            actor=self.member,
            episode=self.episode,
            kind="missing",
            occurred_at=timezone.now() - timedelta(hours=2),
            description="Did not come home after school",
        )


@dataclass
class Page:
    name: str
    who: Callable[[Demo], Any]
    args: Callable[[Demo], list[Any]] = lambda d: []
    values: Callable[[Demo], dict[str, Any]] = lambda d: {}
    pick: str | None = None  # a field only the wanted form has, on a page with several
    # For an address that only takes a post (a button): the page whose form posts to it.
    on: Callable[[Demo], str] | None = None
    audited: bool = True
    done: Callable[[Demo], bool] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _by(email: str) -> Callable[[Demo], Practitioner]:
    return lambda d: d.user(email)


PAGES: list[Page] = [
    # Requests for support, as the asker, then triage at the front door.
    Page("frontdoor:request-new", _by(TEACHER), values=lambda d: {"immediate_risk": "no"}),
    Page(
        "frontdoor:request-people",
        _by(TEACHER),
        lambda d: [d.draft.pk],
        pick="continue",
        values=lambda d: {"continue": "1"},
        audited=False,
    ),
    Page(
        "frontdoor:request-details",
        _by(TEACHER),
        lambda d: [d.draft.pk],
        values=lambda d: {"concern": "Tired in class", "family_agreement": "yes"},
    ),
    Page(
        "frontdoor:request-check",
        _by(TEACHER),
        lambda d: [d.described.pk],
        done=lambda d: RequestForSupport.objects.get(pk=d.described.pk).status != "draft",
    ),
    Page(
        "frontdoor:request",
        lambda d: d.triaged.assigned_to or d.user(FRONT_DOOR),
        lambda d: [d.triaged.pk],
        pick="rate-rating",
        values=lambda d: {"rate-rating": "red", "rate-reason": "Hungry every day this week"},
    ),
    Page(
        "frontdoor:request",
        lambda d: d.triaged.assigned_to or d.user(FRONT_DOOR),
        lambda d: [d.triaged.pk],
        pick="decide-outcome",
        values=lambda d: {"decide-outcome": "advice", "decide-reasons": "Advice is enough"},
        done=lambda d: TriageDecision.objects.filter(request=d.triaged).exists(),
    ),
    # The team around the family.
    Page(
        "episodes:member-add",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {
            "practitioner": str(d.newcomer.pk),
            "person": "",
            "role": "Family support",
        },
    ),
    Page(
        "episodes:outcome-add",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {"text": "Everyone sleeps through the night"},
    ),
    Page(
        "episodes:action-add",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {"text": "Bedtime routine chart"},
        extra={"day": "future"},
    ),
    Page(
        "episodes:action-update",
        lambda d: d.lead,
        lambda d: [d.episode.pk, d.episode.actions.order_by("pk").first().pk],
        values=lambda d: {"status": "in_progress", "note": "Started this week"},
    ),
    Page(
        "episodes:meeting-add",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {
            "kind": "review",
            "family_said": "Mornings are calmer",
            "next_review_on_0": None,
            "next_review_on_1": None,
            "next_review_on_2": None,
        },
        extra={"day": "past"},
    ),
    Page(
        "episodes:decision-add",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {"text": "Ask the GP about sleep", "reasons": "Agreed at review"},
    ),
    Page(
        "episodes:disagreement-add",
        lambda d: d.member,
        lambda d: [d.episode.pk, d.decision.pk],
        values=lambda d: {"text": "The GP waiting list is long: ask the health visitor first"},
    ),
    Page(
        "episodes:disagreement-escalate",
        lambda d: d.member,
        lambda d: [d.episode.pk, d.disagreement.pk],
        values=lambda d: {"note": "We could not agree"},
    ),
    Page(
        "episodes:disagreement-resolve",
        lambda d: d.lead,
        lambda d: [d.episode.pk, d.disagreement.pk],
        values=lambda d: {"resolution": "Health visitor first, GP in a month"},
    ),
    Page(
        "episodes:incident-add",
        lambda d: d.member,
        lambda d: [d.episode.pk],
        values=lambda d: {
            "kind": "missing",
            "description": "Not home by 9pm",
            "occurred_time": "21:15",
        },
        extra={"day": "past"},
    ),
    Page(
        "episodes:incident-acknowledge",
        lambda d: d.lead,
        lambda d: [d.episode.pk, d.incident.pk],
        on=lambda d: reverse("episodes:episode", args=[d.episode.pk]),
    ),
    # Outcomes over time: the team's scores, a need, and a family member's own view.
    Page(
        "outcomes:record",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: (
            {"voice": "practitioner"} | {f"score_{o.pk}": "5" for o in d.episode.outcomes.all()}
        ),
        done=lambda d: Measurement.objects.filter(episode=d.episode, score=5).exists(),
    ),
    Page(
        "outcomes:need-add",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {"headline": str(OutcomeCategory.objects.get(code="housing").pk)},
        done=lambda d: IdentifiedNeed.objects.filter(episode=d.episode).exists(),
    ),
    Page(
        "outcomes:family-score",
        _by(MOTHER),
        lambda d: [d.carters.pk, d.carters.outcomes.order_by("pk").first().pk],
        values=lambda d: {"score": "6", "note": "Calmer at the refuge"},
        done=lambda d: Measurement.objects.filter(episode=d.carters, voice="family").exists(),
    ),
    Page(
        "episodes:hand-over",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {"to": str(d.member.pk), "reason": "She sees the family every week"},
    ),
    Page(
        "episodes:lead-proposal",
        lambda d: d.member,
        lambda d: [d.episode.pk, d.waiting_proposal()],
        pick="answer",
        values=lambda d: {"answer": "accept"},
        done=lambda d: Episode.objects.get(pk=d.episode.pk).lead_professional == d.member,
    ),
    Page(
        "episodes:step-up",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {"to": str(d.social_worker.pk), "reason": "Section 47 threshold met"},
    ),
    Page(
        "episodes:lead-proposal",
        lambda d: d.social_worker,
        lambda d: [d.episode.pk, d.waiting_proposal()],
        pick="answer",
        values=lambda d: {"answer": "accept"},
        done=lambda d: Episode.objects.get(pk=d.episode.pk).status == EpisodeStatus.STEPPED_UP,
    ),
    Page(
        "episodes:step-down",
        lambda d: d.social_worker,
        lambda d: [d.episode.pk],
        values=lambda d: {"to": str(d.social_worker.pk), "reason": "No significant harm found"},
        done=lambda d: Episode.objects.get(pk=d.episode.pk).status == EpisodeStatus.STEPPED_DOWN,
    ),
    Page(
        "episodes:close",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {"reason": "outcomes_achieved", "summary": "Routines are in place"},
        done=lambda d: Episode.objects.get(pk=d.episode.pk).status == EpisodeStatus.CLOSED,
    ),
    Page(
        "episodes:closure-feedback-add",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {"how": "phone", "rating": "4", "what_helped": "Someone listened"},
    ),
    Page(
        "episodes:episode-start",
        _by(TEACHER),
        lambda d: [d.unled_child.pk],
        values=lambda d: {"persons": str(d.unled_child.pk), "reason": "Worries about sleep"},
    ),
    Page(
        "chronology:chronology-entry-new",
        _by(TEACHER),
        lambda d: [d.teacher_child.pk],
        values=lambda d: {"kind": "was_not_brought", "text": "Not brought to the dentist"},
        extra={"day": "past"},
    ),
    # Information sharing.
    Page(
        "sharing:decision-new",
        _by(TEACHER),
        lambda d: [d.teacher_child.pk],
        values=lambda d: {
            "choice": "not_share",
            "what": "The counsellor's notes",
            "categories": "health",
            "recipients": str(d.user(FRONT_DOOR).organisation_id),
            "purpose": "planning",
            "reasons": "Not needed for the plan",
        },
    ),
    Page(
        "sharing:advice-new",
        _by(TEACHER),
        values=lambda d: {
            "team": str(d.user(FRONT_DOOR).team_id),
            "situation": "A child often arrives hungry and tired",
            "question": "What should I do first?",
        },
    ),
    Page(
        "sharing:consent-new",
        _by(TEACHER),
        lambda d: [d.teacher_child.pk],
        values=lambda d: {
            "given_by": "parental_responsibility",
            "given_by_name": "Sam Lee",
            "sectors": "health",
            "purposes": "planning",
            "method": "written",
            "expires_on_0": None,
            "expires_on_1": None,
            "expires_on_2": None,
        },
    ),
    Page(
        "sharing:emergency-access",
        _by(CHARITY),
        values=lambda d: {"reference": d.unled_child.reference, "reason": "Missing overnight"},
    ),
    Page(
        "sharing:consent-withdraw",
        _by(TEACHER),
        lambda d: [d.teacher_child.pk],
        values=lambda d: {
            "withdrawn_by": "parental_responsibility",
            "withdrawn_by_name": "Sam Lee",
        },
    ),
    Page(
        "sharing:address",
        _by(TEACHER),
        lambda d: [d.teacher_child.pk],
        values=lambda d: {"confidential": "yes", "reason": "Moved to a refuge"},
    ),
    Page(
        "sharing:advice",
        _by(FRONT_DOOR),
        lambda d: [d.waiting_advice.pk],
        values=lambda d: {"answer": "Talk to the family first, then the front door"},
    ),
    Page(
        "sharing:break-glass-review",
        _by(DPO),
        lambda d: [d.waiting_break_glass.pk],
        values=lambda d: {"outcome": "justified", "notes": "A child was missing"},
    ),
    # Records management, by the data protection officer.
    Page(
        "records:legal-hold-new",
        _by(DPO),
        values=lambda d: {"reference": d.teacher_child.reference, "reason": "Court proceedings"},
    ),
    Page(
        "records:legal-hold-lift",
        _by(DPO),
        lambda d: [d.hold.pk],
        values=lambda d: {"reason": "Proceedings ended"},
    ),
    # Identity: the data lead's review queue.
    Page(
        "identity:upload",
        _by(ADMIN),
        values=lambda d: {"file": d.records_file()},
    ),
    # Partnership health.
    Page(
        "insight:round-remind",
        _by(MANAGER),
        lambda d: [d.open_round.pk],
        on=lambda d: reverse("insight:round", args=[d.open_round.pk]),
        audited=False,
    ),
    Page(
        "insight:instruments",
        _by(MANAGER),
        values=lambda d: {"file": d.instrument_file(), "licence_confirmed": "on"},
    ),
]


def _find(forms: list[Form], pick: str | None, action: str = "") -> Form | str:
    """The form to submit, or why there is none."""
    posting = [f for f in forms if f.method == "post"]
    if action:
        found = [f for f in posting if f.action == action]
        return found[0] if found else f"no form posts to {action}"
    if pick:
        found = [f for f in posting if pick in f.names()]
        seen = [sorted(f.names()) for f in posting]
        return found[0] if found else f"no form with a field {pick!r} (forms: {seen})"
    # Not the header's sign-out button: the page's own form.
    posting = [f for f in posting if f.action != reverse("web:sign-out")]
    main = [f for f in posting if f.id == "main-form"]
    return (main or posting or ["the page has no form that posts"])[0]


def _submit(client: Client, demo: Demo, page: Page) -> str | None:
    """Submit one page's form; the reason it failed, or None."""
    user = page.who(demo)
    client.force_login(user)
    url = reverse(page.name, args=page.args(demo))
    shown = page.on(demo) if page.on else url
    response = client.get(shown)
    if response.status_code != 200:
        return f"GET {shown} answered {response.status_code}"
    form = _find(forms_in(response.content.decode()), page.pick, url if page.on else "")
    if isinstance(form, str):
        return form
    day = timezone.localdate()
    day += {"future": timedelta(days=14), "past": timedelta(days=-1)}.get(
        page.extra.get("day", ""), timedelta(0)
    )
    data = form.fill(day=day, **page.values(demo))
    writes_before = AccessEvent.objects.filter(actor=user, action__in=WRITES).count()
    posted = client.post(form.action or url, data)
    body = posted.content.decode() if posted.status_code == 200 else ""
    if posted.status_code not in (200, 302) or "There is a problem" in body:
        return f"POST {url} answered {posted.status_code}: {_errors(body)}"
    if page.done is not None and not page.done(demo):
        return f"POST {url}: the change is not there"
    if page.audited and not AccessEvent.objects.filter(actor=user, action__in=WRITES).count() > (
        writes_before
    ):
        return f"POST {url}: nothing was written to the audit trail ({_errors(body)})"
    return None


def _errors(body: str) -> str:
    import re

    found = re.findall(r'<a href="#[^"]*">([^<]+)</a>', body)
    return "; ".join(found[:5]) or body[:200]


def test_every_form_page_saves_what_is_submitted():
    loader.load(families=12, seed=7)
    demo = Demo()
    client = Client()
    failures = []
    for page in PAGES:
        try:
            why = _submit(client, demo, page)
        except Exception as error:  # one page's failure must not hide the others'
            why = f"{type(error).__name__}: {error}"
        if why:
            failures.append(f"{page.name}: {why}")
    assert not failures, "\n".join(failures)


def _url_names() -> set[str]:
    def walk(resolver: URLResolver, prefix: str) -> set[str]:
        names: set[str] = set()
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                if item.namespace in ("admin", "api-v1"):
                    continue
                inner = f"{prefix}{item.namespace}:" if item.namespace else prefix
                names |= walk(item, inner)
            elif isinstance(item, URLPattern) and item.name:
                names.add(prefix + item.name)
        return names

    return walk(get_resolver(), "")


def test_every_url_is_a_submitted_form_or_has_no_form():
    submitted = {p.name for p in PAGES}
    unclassified = _url_names() - submitted - NO_FORM - set(SUBMITTED_ELSEWHERE)
    assert unclassified == set()


# Pages with no form that writes: lists, records, exports, searches (GET forms), the sign-out;
# and the protocol endpoints of OAuth 2.0 and OpenID Connect (tested in tests/integrations).
NO_FORM = {
    "protection:case",
    "protection:cp-teams",
    "protection:duty-withheld",
    "recording:person-record",
    "recording:episode-record",
    "recording:invitation",
    "recording:document-download",
    "recording:family-documents",
    "outcomes:episode",
    "outcomes:check",
    "outcomes:family",
    "outcomes:successful",
    "outcomes:successful-csv",
    "outcomes:dashboard",
    "outcomes:dashboard-export",
    "assessments:assessment",
    "assessments:assessments",
    "audit:audit-chain",
    "audit:audit-export",
    "audit:audit-search",
    "audit:person-access",
    "audit:unusual-access",
    "directory:oruk",
    "directory:rates",
    "directory:referral",
    "directory:search",
    "directory:service",
    "chronology:chronology",
    "chronology:chronology-csv",
    "episodes:episode",
    "episodes:my-work",
    "episodes:plan-versions",
    "family:accounts",
    "integrations:oidc-callback",
    "integrations:oidc-start",
    "oauth2-revoke",
    "oauth2-token",
    "family:consent",
    "family:home",
    "family:meetings",
    "family:plan",
    "family:team",
    "family:team-voice",
    "frontdoor:front-door",
    "frontdoor:my-requests",
    "frontdoor:request-sent",
    "frontdoor:timeliness",
    "identity:children",
    "identity:import",
    "identity:linkage",
    "identity:review",
    "insight:build",
    "insight:continuum",
    "insight:export",
    "insight:network",
    "insight:overview",
    "insight:prompts",
    "insight:round",
    "insight:rounds",
    "insight:surveys",
    "insight:voice",
    "records:legal-holds",
    "records:retention",
    "records:subject-access",
    "records:subject-access-json",
    "records:subject-access-pdf",
    "records:subject-access-person",
    "sharing:advice-list",
    "sharing:break-glass-queue",
    "sharing:consent",
    "sharing:consent-json",
    "sharing:decisions",
    "sharing:dpo-home",
    "web:directory",
    "web:home",
    "web:notifications",
    "web:person",
    "web:password-reset-complete",
    "web:password-reset-sent",
    "web:sign-out",
}
# Form pages submitted with valid data, and the result checked, by another test (named).
SUBMITTED_ELSEWHERE = {
    "protection:case-open": "tests/protection/test_views.py::test_the_path_through_the_pages",
    "protection:strategy": "tests/protection/test_views.py::test_the_path_through_the_pages",
    "protection:enquiry-start": "tests/protection/test_views.py::test_the_path_through_the_pages",
    "protection:enquiry-complete": "tests/protection/test_views.py::"
    "test_the_path_through_the_pages",
    "protection:conference": "tests/protection/test_views.py::test_the_path_through_the_pages",
    "protection:action-add": "tests/protection/test_views.py::test_the_path_through_the_pages",
    "protection:core-group": "tests/protection/test_views.py::test_the_path_through_the_pages",
    "protection:network-add": "tests/protection/test_views.py::test_the_path_through_the_pages",
    "protection:step-down": "tests/protection/test_views.py::test_the_path_through_the_pages",
    "protection:hand-over": "tests/protection/test_views.py::test_handover_page",
    "protection:fgdm-offer": "tests/protection/test_views.py::test_fgdm_pages",
    "protection:fgdm-response": "tests/protection/test_views.py::test_fgdm_pages",
    "protection:fgdm-meeting": "tests/protection/test_views.py::test_fgdm_pages",
    "protection:fgdm-exemption": "tests/protection/test_views.py::test_fgdm_pages",
    "protection:proceedings": "tests/protection/test_views.py::test_fgdm_pages",
    "protection:cp-team-new": "tests/protection/test_views.py::test_team_configuration_pages",
    "protection:cp-team": "tests/protection/test_views.py::test_team_configuration_pages",
    "protection:cp-team-member-remove": "tests/protection/test_services.py::"
    "test_four_memberships_named_when_missing",
    "protection:assessment-start": "tests/protection/test_need.py::test_the_need_pages",
    "protection:assessment-authorise": "tests/protection/test_need.py::test_the_need_pages",
    "protection:cin-plan-start": "tests/protection/test_need.py::test_the_need_pages",
    "protection:cin-plan-end": "tests/protection/test_need.py::test_the_need_pages",
    "protection:census": "tests/protection/test_views.py::"
    "test_census_page_refuses_a_year_not_ended",
    "people:family-add": "tests/people/test_family_writes.py::test_family_add_page_submits",
    "people:relationship-end": "tests/people/test_family_writes.py::"
    "test_relationship_end_page_submits",
    "people:household": "tests/people/test_family_writes.py::test_household_pages_submit",
    "people:household-leave": "tests/people/test_family_writes.py::test_household_pages_submit",
    "recording:person-note-add": "tests/recording/test_pages.py::test_record_a_home_visit",
    "recording:episode-note-add": "tests/recording/test_pages.py::test_record_a_home_visit",
    "recording:note-edit": "tests/recording/test_pages.py::test_correct_a_note",
    "recording:person-document-upload": "tests/recording/test_pages.py::test_upload_a_report",
    "recording:episode-document-upload": "tests/recording/test_pages.py::test_upload_a_report",
    "recording:invitation-new": "tests/recording/test_pages.py::"
    "test_arrange_change_cancel_and_record_attendance",
    "recording:invitation-change": "tests/recording/test_pages.py::"
    "test_arrange_change_cancel_and_record_attendance",
    "recording:invitation-attendance": "tests/recording/test_pages.py::"
    "test_arrange_change_cancel_and_record_attendance",
    "recording:invitation-cancel": "tests/recording/test_pages.py::test_cancel_page",
    "partnership:staff-load": "tests/partnership/test_staff_load.py::test_page_submits_and_reports",
    "assessments:assessment-start": "tests/assessments/test_assessments.py::"
    "test_a_lead_writes_an_assessment_step_by_step_through_the_pages",
    "assessments:assessment-step": "tests/assessments/test_assessments.py::"
    "test_a_lead_writes_an_assessment_step_by_step_through_the_pages",
    "assessments:assessment-complete": "tests/assessments/test_assessments.py::"
    "test_completing_and_sharing_through_the_pages",
    "assessments:assessment-share": "tests/assessments/test_assessments.py::"
    "test_completing_and_sharing_through_the_pages",
    "directory:referral-new": "tests/directory/test_referrals.py::"
    "test_the_referral_form_is_submitted_and_its_errors_named",
    "directory:referral-update": "tests/directory/test_referrals.py::"
    "test_the_update_form_uses_its_hidden_version",
    "directory:service-edit": "tests/directory/test_referrals.py::"
    "test_a_service_is_kept_by_its_own_organisation",
    "directory:request-referral-new": "tests/directory/test_request_referrals.py::"
    "test_a_signposted_request_is_referred_through_the_pages",
    "directory:feeds": "tests/directory/test_following.py::"
    "test_an_administrator_follows_a_feed_and_the_worker_imports_what_changed",
    "directory:feed": "tests/directory/test_following.py::"
    "test_the_feed_page_changes_imports_now_and_stops_following",
    "directory:feed-import": "tests/directory/test_following.py::"
    "test_the_feed_page_changes_imports_now_and_stops_following",
    "directory:link": "tests/directory/test_link.py::"
    "test_accept_then_started_then_completed_each_by_a_new_link",
    "integrations:api-clients": "tests/integrations/test_pages.py::"
    "test_an_administrator_registers_a_client_and_revokes_it",
    "integrations:api-client-revoke": "tests/integrations/test_pages.py::"
    "test_an_administrator_registers_a_client_and_revokes_it",
    "integrations:sso": "tests/integrations/test_pages.py::"
    "test_single_sign_on_starts_at_the_organisations_provider",
    "integrations:webhooks": "tests/integrations/test_pages.py::"
    "test_a_data_lead_subscribes_an_endpoint",
    "integrations:webhook-resume": "tests/integrations/test_pages.py::"
    "test_a_paused_subscription_is_resumed_from_its_page",
    "family:activate": "tests/family/test_accounts.py::"
    "test_invitation_activation_and_sign_in_land_on_the_family_home",
    "family:invite": "tests/family/test_accounts.py::"
    "test_invitation_activation_and_sign_in_land_on_the_family_home",
    "family:revoke": "tests/family/test_accounts.py::test_revoking_stops_access_at_once",
    "family:say": "tests/family/test_pages.py::"
    "test_a_comment_is_stored_audited_and_the_lead_is_told",
    "family:progress": "tests/family/test_pages.py::"
    "test_progress_on_their_own_action_is_stored_audited_and_told",
    "family:withdraw": "tests/family/test_pages.py::"
    "test_consent_in_plain_words_and_asking_to_withdraw",
    "family:feedback": "tests/family/test_pages.py::test_feedback_at_closure_goes_through_casework",
    "family:withhold": "tests/family/test_words_and_withholding.py::"
    "test_the_team_keeps_the_episode_from_the_father",
    "family:share-again": "tests/family/test_words_and_withholding.py::"
    "test_the_team_keeps_the_episode_from_the_father",
    "frontdoor:request-call-now": "tests/frontdoor/test_views.py::"
    "test_raise_a_request_through_the_pages",
    "chronology:pattern-alert-acknowledge": "tests/chronology/test_chronology.py::"
    "test_the_lead_acknowledges_an_alert",
    "identity:candidate": "tests/identity/test_review_and_merge.py::"
    "test_review_pages_show_the_evidence_and_take_the_decision",
    "identity:child-nhs": "tests/identity/test_child_identifier.py::"
    "test_the_form_records_the_reason_and_the_number",
    "identity:linkage-start": "tests/identity/test_linkage_pages.py::"
    "test_a_run_is_started_from_the_review_queue_and_watched",
    "insight:rebuild": "tests/insight/test_views.py::"
    "test_the_rebuild_button_starts_a_rebuild_and_shows_its_progress",
    "insight:prompt": "tests/insight/test_views.py::test_marking_a_prompt_discussed",
    "insight:round-new": "tests/insight/test_views.py::test_setting_up_opening_and_closing_a_round",
    "insight:round-open": "tests/insight/test_views.py::"
    "test_setting_up_opening_and_closing_a_round",
    "insight:round-close": "tests/insight/test_views.py::"
    "test_setting_up_opening_and_closing_a_round",
    "insight:answer": "tests/insight/test_views.py::"
    "test_a_practitioner_answers_a_round_once_with_radios",
    "records:retention-erase": "tests/sharing/test_retention.py::"
    "test_the_officer_sees_what_is_due_and_erases_with_a_reason_and_confirmation",
    "web:password-reset": "tests/web/test_password_reset_and_lockout.py::"
    "test_a_practitioner_resets_their_password_through_the_emailed_link",
    "web:password-reset-confirm": "tests/web/test_password_reset_and_lockout.py::"
    "test_a_practitioner_resets_their_password_through_the_emailed_link",
    "web:sign-in": "tests/web/test_views.py::test_sign_in_with_email_and_password",
    "web:two-factor": "tests/web/test_views.py::test_a_role_can_require_a_second_factor",
}


def test_the_tests_named_for_other_forms_exist():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for name, where in SUBMITTED_ELSEWHERE.items():
        path, test = where.split("::")
        assert f"def {test}(" in (root / path).read_text(), f"{name}: {where} is missing"
