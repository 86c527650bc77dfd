"""Outcomes over time in the demo, telling a story through the real services:

- in the teams of demo.team, families with a housing need improve least;
- in one family the mother's own view of "feeling less alone" falls while the team's rises;
- six families closed seven to ten months ago: two meet the successful-family-outcome rule and
  four are close to it (a housing relapse within six months, needs under only two headlines,
  one need not met at closure, no six-month follow-up yet);
- the Carters have the team's first scores, waiting for the family's own.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from joinedup.assessments import services as a
from joinedup.demo.casework import assessment_answers
from joinedup.demo.team import (
    PRACTITIONER_LEADS,
    _family_of,
    _parent_links,
    _practitioner_led,
    _write,
)
from joinedup.episodes import services as t
from joinedup.episodes.models import (
    Closure,
    Episode,
    EpisodeStatus,
    EpisodeStatusChange,
    Meeting,
    TeamMember,
    WantedOutcome,
)
from joinedup.outcomes import services
from joinedup.outcomes.models import Measurement, OutcomeCategory, Voice
from joinedup.partnership.models import Practitioner
from joinedup.sharing import policy

# Headlines for the teams of demo.team, in episode order: every third family has a housing need.
TEAM_NEEDS = [
    ("housing", "financial-stability", "health"),
    ("good-education", "family-relationships"),
    ("domestic-abuse", "health", "family-relationships"),
    ("housing", "good-education"),
    ("early-years", "health"),
    ("substance-use", "family-relationships", "crime"),
    ("housing", "domestic-abuse", "financial-stability"),
    ("good-education", "health"),
    ("family-relationships", "early-years"),
    ("housing", "health"),
]
DIVERGING = "Mum feels less alone and knows where to get help"

# (headlines with the text of the outcome answering each, how the family did)
HISTORIC = [
    (
        [
            ("housing", "A safe home the family can keep"),
            ("health", "Mum's depression is under control"),
            ("family-relationships", "Fewer arguments at home"),
        ],
        "sustained",
    ),
    (
        [
            ("good-education", "Jay is in school every day"),
            ("health", "The children's asthma is managed"),
            ("domestic-abuse", "Everyone at home is safe"),
        ],
        "sustained",
    ),
    (
        [
            ("housing", "The rent arrears are paid off and the tenancy is safe"),
            ("financial-stability", "Money lasts the month"),
            ("health", "Dad sees his GP about his drinking"),
        ],
        "housing relapse",
    ),
    (
        [
            ("good-education", "Ella is back in school"),
            ("family-relationships", "Ella and her stepdad get on"),
        ],
        "two headlines",
    ),
    (
        [
            ("crime", "Sam stays out of trouble"),
            ("substance-use", "Mum is in recovery"),
            ("health", "The baby is gaining weight"),
        ],
        "not met",
    ),
    (
        [
            ("early-years", "Noah is talking more"),
            ("housing", "Out of temporary accommodation"),
            ("family-relationships", "Calmer bedtimes"),
        ],
        "no follow-up",
    ),
]


def _headline(code: str) -> OutcomeCategory:
    return OutcomeCategory.objects.get(framework__code="supporting-families", code=code)


def _score(
    lead: Practitioner,
    episode: Episode,
    outcome: WantedOutcome,
    on: date,
    score: int,
    note: str = "",
    voice: str = Voice.PRACTITIONER,
    person_id: int | None = None,
    meeting: Meeting | None = None,
) -> None:
    services.measurements_record(
        actor=lead,
        episode_id=episode.pk,
        scores=[services.Score(outcome.pk, max(0, min(10, score)), note)],
        measured_on=on,
        voice=voice,
        person_id=person_id,
        meeting_id=meeting.pk if meeting else None,
    )


def _parent_in_team(episode: Episode) -> int | None:
    member = TeamMember.objects.filter(
        episode=episode, person__isnull=False, left_at__isnull=True
    ).first()
    return member.person_id if member else None


def _team_story(episode: Episode, index: int, rng: random.Random, diverged: set[str]) -> None:
    """Needs under headlines and scores at the start, the meeting and now, in both voices."""
    lead = episode.lead_professional
    opened = timezone.localtime(episode.opened_at).date()
    outcomes = list(episode.outcomes.order_by("pk"))
    codes = TEAM_NEEDS[index % len(TEAM_NEEDS)]
    active = episode.status != EpisodeStatus.CLOSED
    for n, code in enumerate(codes):
        if not active:
            break  # a closed episode takes no new needs
        services.need_record(
            actor=lead,
            episode_id=episode.pk,
            headline_id=_headline(code).pk,
            outcome_ids=[outcomes[n % len(outcomes)].pk] if outcomes else [],
            identified_on=opened + timedelta(days=7),
        )
    housing = "housing" in codes
    meeting = episode.meetings.order_by("held_on").first()
    parent = _parent_in_team(episode)
    today = timezone.localdate()
    days = [opened + timedelta(days=10), meeting.held_on if meeting else None, today]
    for outcome in outcomes:
        start = rng.randint(2, 4)
        gain = rng.randint(0, 1) if housing else rng.randint(3, 5)
        team = [start, start + gain // 2, start + gain]
        for on, score in zip(days, team, strict=True):
            if on is not None and opened <= on <= today:
                at_meeting = meeting if meeting and on == meeting.held_on else None
                _score(lead, episode, outcome, on, score, meeting=at_meeting)
        if parent is None:
            continue
        # One family's own view of one outcome goes the other way from the team's.
        diverging = outcome.text == DIVERGING and not diverged
        if diverging:
            diverged.add(episode.reference)
        family = [start + 1, start, start - 1] if diverging else [start, start + 1, start + gain]
        notes = ["", "Still on my own most days", "Nobody rings back"] if diverging else [""] * 3
        for on, score, note in zip(days, family, notes, strict=True):
            if on is not None and opened <= on <= today:
                _score(lead, episode, outcome, on, score, note, Voice.FAMILY, parent)


def _assess(lead: Practitioner, episode: Episode, rng: random.Random) -> None:
    child = episode.persons.filter(kind="child").order_by("pk").first()
    assert child is not None
    parents = [(r.kind, r.person.sex, r.person.given_name) for r in _parent_links(child)]
    answers = assessment_answers(
        rng,
        domains=a.current_template().domains,
        child_name=child.preferred_name or child.given_name,
        child_age=8,
        parents=parents or [("parent", "F", "Mum")],
        complete=True,
    )
    a.assessment_complete(actor=lead, assessment=_write(lead, episode, answers))


def _backdate_open(episode: Episode, opened: date) -> None:
    """Demo only: the episode began long ago."""
    at = timezone.make_aware(datetime.combine(opened, time(9)))
    Episode.objects.filter(pk=episode.pk).update(opened_at=at)
    EpisodeStatusChange.objects.filter(episode=episode, status="open").update(at=at)
    episode.refresh_from_db()


def _backdate_close(episode: Episode, closed: date) -> None:
    at = timezone.make_aware(datetime.combine(closed, time(15)))
    Episode.objects.filter(pk=episode.pk).update(closed_at=at)
    Closure.objects.filter(episode=episode).update(closed_at=at)
    EpisodeStatusChange.objects.filter(episode=episode, status="closed").update(at=at)
    episode.refresh_from_db()


def _historic(number: int, lead: Practitioner, taken: set[str], rng: random.Random) -> bool:
    needs, story = HISTORIC[number]
    episode = _practitioner_led(lead, taken)
    if episode is None:
        return False
    today = timezone.localdate()
    closed = today - timedelta(days=200 + 20 * number)
    opened = closed - timedelta(days=230)
    _backdate_open(episode, opened)
    _assess(lead, episode, rng)
    for n, (code, text) in enumerate(needs):
        outcome = t.outcome_add(actor=lead, episode=episode, text=text)
        services.need_record(
            actor=lead,
            episode_id=episode.pk,
            headline_id=_headline(code).pk,
            outcome_ids=[outcome.pk],
            identified_on=opened + timedelta(days=14),
        )
        housing = code == "housing"
        closing = 6 if (story == "not met" and n == 0) else (7 if housing else 8)
        start = 3 if housing else 2
        for days, score in ((20, start), (110, (start + closing) // 2), (220, closing)):
            _score(lead, episode, outcome, opened + timedelta(days=days), score)
        if story == "housing relapse" and housing:
            _score(
                lead,
                episode,
                outcome,
                closed + timedelta(days=80),
                4,
                "Arrears again after the benefit change",
            )
        if story == "no follow-up" and n == 0:
            continue
        _score(
            lead, episode, outcome, closed + timedelta(days=190), closing, "Checked six months on"
        )
    t.episode_close(
        actor=lead,
        episode=episode,
        reason=Closure.Reason.OUTCOMES_ACHIEVED,
        summary="The family's needs were met; they know how to ask again.",
    )
    _backdate_close(episode, closed)
    return True


def _carters() -> None:
    episode = Episode.objects.filter(persons__reference="FAM-CARTER-1").first()
    if episode is None or not policy.may_edit_episode(episode.lead_professional, episode):
        return
    # The team's first scores, at the team's first meeting; the family's own and the review's
    # come in the demo itself.
    meeting = episode.meetings.order_by("held_on").first()
    on = meeting.held_on if meeting else timezone.localdate()
    for outcome, score, note in zip(
        episode.outcomes.order_by("pk"),
        (5, 3),
        ("Safer at the refuge; Mia still wakes at night", "Tyler has missed three weeks"),
        strict=False,
    ):
        _score(episode.lead_professional, episode, outcome, on, score, note, meeting=meeting)


@transaction.atomic
def load_outcomes(seed: int = 2026) -> int:
    """Returns the measurements made (none when the demo already has some)."""
    if Measurement.objects.exists() or not Meeting.objects.exists():
        return 0
    rng = random.Random(f"{seed}-outcomes")
    diverged: set[str] = set()
    for index, episode in enumerate(
        Episode.objects.filter(meetings__isnull=False)
        .exclude(persons__reference__startswith="FAM-")
        .distinct()
        .order_by("pk")
    ):
        _team_story(episode, index, rng, diverged)
    taken = {_family_of(p) for e in Episode.objects.all() for p in e.persons.all()}
    leads = [Practitioner.objects.get(email=e) for e in PRACTITIONER_LEADS]
    made = 0
    for attempt in range(len(leads) * 3):
        if made == len(HISTORIC):
            break
        if _historic(made, leads[attempt % len(leads)], taken, rng):
            made += 1
    _carters()
    return Measurement.objects.count()
