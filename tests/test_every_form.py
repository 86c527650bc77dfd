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
from joinedup.frontdoor.models import RequestForSupport, RequestStatus
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
        return policy.persons_visible_to(self.user(TEACHER)).filter(kind="child").first()

    @cached_property
    def draft(self) -> RequestForSupport:
        teacher = self.user(TEACHER)
        draft = frontdoor.request_start(actor=teacher, immediate_risk=False)
        frontdoor.request_add_person(actor=teacher, request=draft, person_id=self.teacher_child.pk)
        return draft

    @cached_property
    def described(self) -> RequestForSupport:
        teacher = self.user(TEACHER)
        draft = frontdoor.request_start(actor=teacher, immediate_risk=False)
        frontdoor.request_add_person(actor=teacher, request=draft, person_id=self.teacher_child.pk)
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

    def received(self) -> RequestForSupport:
        return (
            RequestForSupport.objects.filter(status=RequestStatus.RECEIVED, episode__isnull=True)
            .order_by("pk")
            .first()
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
        done=lambda d: RequestForSupport.objects.get(pk=d.described.pk).status == "received",
    ),
    Page(
        "frontdoor:request",
        _by(FRONT_DOOR),
        lambda d: [d.received().pk],
        pick="rating",
        values=lambda d: {"rating": "amber", "reason": "Needs a plan this week"},
    ),
    # The team around the family.
    Page(
        "episodes:member-add",
        lambda d: d.lead,
        lambda d: [d.episode.pk],
        values=lambda d: {
            "practitioner": str(d.user(CHARITY).pk),
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
        values=lambda d: {"kind": "review", "family_said": "Mornings are calmer"},
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
        values=lambda d: {"kind": "missing", "description": "Not home by 9pm"},
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
    Page(
        "chronology:pattern-alert-acknowledge",
        lambda d: d.alert.episode.lead_professional,
        lambda d: [d.alert.episode_id, d.alert.pk],
        on=lambda d: reverse("chronology:chronology", args=[d.alert.episode_id]),
    ),
    # Information sharing.
    Page(
        "sharing:decision-new",
        _by(TEACHER),
        lambda d: [d.teacher_child.pk],
        values=lambda d: {
            "choice": "not_share",
            "what": "The counsellor's notes",
            "reasons": "Not needed for the plan",
        },
    ),
    Page(
        "sharing:advice-new",
        _by(TEACHER),
        values=lambda d: {"question": "A child often arrives hungry: what should I do?"},
    ),
    Page(
        "sharing:consent-new",
        _by(TEACHER),
        lambda d: [d.teacher_child.pk],
        values=lambda d: {"given_by": "parental_responsibility", "given_by_name": "Sam Lee"},
    ),
    Page(
        "sharing:emergency-access",
        _by(CHARITY),
        values=lambda d: {"reference": d.unled_child.reference, "reason": "Missing overnight"},
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
        return found[0] if found else f"no form with a field {pick!r}"
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
        return f"POST {url}: nothing was written to the audit trail"
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
    assert failures == []


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
    unclassified = _url_names() - submitted - NO_FORM - SUBMITTED_ELSEWHERE
    assert unclassified == set()


# Pages with no form that writes: lists, records, exports, searches (GET forms).
NO_FORM: set[str] = set()
# Form pages submitted, with valid data and the result checked, by another test (named).
SUBMITTED_ELSEWHERE: dict[str, str] = {}
