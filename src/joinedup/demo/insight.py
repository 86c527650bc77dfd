"""Demo partnership health: a story the insight pages reveal.

- Police and health practitioners lead most teams around families, while a domestic-abuse charity
  (Safe Harbour) owns most of the actions: the voluntary sector's share of lead roles is far below
  its share of team memberships, and the balance-of-voice page flags it.
- Demo Shire Police and Safe Harbour rate each other very differently in the partner survey.
- Two rounds of the collaboration survey (one closed months ago, one open now) show spread,
  suppression of small groups and a trend; "sharing power" scores low, which starts a prompt.

Made through the real services, deterministic for a seed, and loaded once (into a partnership
with no survey rounds yet). Dates are moved back afterwards, as elsewhere in the demo. Ends
with a rebuild.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from joinedup.episodes import services as t
from joinedup.frontdoor import services as casework_services
from joinedup.insight import services
from joinedup.insight.models import SurveyInstrument, SurveyRound
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy

MANAGER = "ravi.patel@earlyhelp.example"
EARLIER_ROUND_DAYS = 200  # the first collaboration round ran this long ago
RATINGS_ROUND_DAYS = 40
# Who leads the story's teams: police and health.
LEADS = [
    "laura.wright@police.example",
    "sarah.collins@hv.example",
    "james.oduya@millbrookgp.example",
    "sean.murphy@police.example",
    "fatima.begum@hv.example",
    "nadia.rahman@cypmh.example",
    "laura.wright@police.example",
    "sarah.collins@hv.example",
    "karen.lloyd@millbrookgp.example",
    "sean.murphy@police.example",
    "fatima.begum@hv.example",
    "james.oduya@millbrookgp.example",
    "laura.wright@police.example",
    "nadia.rahman@cypmh.example",
]
# Who does the work: Safe Harbour always, with another charity or a school.
DOERS = ["maria.silva@safeharbour.example", "jade.robinson@safeharbour.example"]
OTHERS = [
    "chris.norton@familyfriends.example",
    "liam.oconnor@youngcarers.example",
    "amira.khan@oakfield.example",
    "gary.holmes@harbourhomes.example",
]
OPENERS = [
    "amira.khan@oakfield.example",
    "joseph.mensah@riverside.example",
    "sarah.collins@hv.example",
    "fatima.begum@hv.example",
    "gary.holmes@harbourhomes.example",
    "laura.wright@police.example",
]
ACTIONS = [
    "Safety planning with mum, weekly",
    "Support to attend the Freedom Programme",
    "Help with the refuge move and school place",
    "Children's group sessions at the outreach centre",
    "Check in with the family after the court date",
]
# How each theme of the collaboration survey tends to be scored (1–5), and sectors' leanings.
THEMES = {
    "family-perspective": 3.6,
    "common-purpose": 3.5,
    "whole-system": 3.0,
    "sharing-power": 2.4,
}
SECTOR_LEAN = {"voluntary": -0.7, "community": -0.5, "police": 0.5, "health": 0.3}


def _p(email: str) -> Practitioner:
    return Practitioner.objects.get(email=email)


def load_insight(*, seed: int = 2026, story: bool = True) -> None:
    """Load the story once (when the demo has casework), then rebuild the results."""
    services.instruments_shipped_register()
    if story and not SurveyRound.objects.exists():
        with transaction.atomic():
            rng = random.Random(f"{seed}-insight")
            _teams(rng)
            _surveys(rng)
    services.build_now()


# ----------------------------------------------------------------------------- teams


def _children() -> list[tuple[Person, Practitioner]]:
    """Children with no episode yet, each with a practitioner whose organisation sees them."""
    found: list[tuple[Person, Practitioner]] = []
    taken: set[int] = set()
    for email in OPENERS:
        opener = _p(email)
        visible = (
            policy.persons_visible_to(opener)
            .filter(kind="child", episodes__isnull=True)
            .order_by("pk")[:6]
        )
        for child in visible:
            if child.pk not in taken:
                taken.add(child.pk)
                found.append((child, opener))
    return found


def _teams(rng: random.Random) -> None:
    today = timezone.localdate()
    children = _children()
    for index, (child, opener) in enumerate(children[: len(LEADS)]):
        lead = _p(LEADS[index])
        episode = casework_services.episode_open_practitioner_led(
            actor=opener, persons=[child], lead_professional=lead
        )
        doer = t.member_add(
            actor=lead,
            episode=episode,
            practitioner=_p(DOERS[index % 2]),
            role="Domestic abuse support",
        )
        other = t.member_add(
            actor=lead, episode=episode, practitioner=_p(OTHERS[index % 4]), role="Family support"
        )
        if not episode.members.filter(practitioner=opener, left_at__isnull=True).exists():
            t.member_add(actor=lead, episode=episode, practitioner=opener, role="Referrer")
        outcome = t.outcome_add(actor=lead, episode=episode, text="Everyone at home feels safe")
        for n, text in enumerate(rng.sample(ACTIONS, 4)):
            owner = doer if n < 3 else other
            t.action_add(
                actor=lead,
                episode=episode,
                owner=owner,
                text=text,
                due_on=today + timedelta(days=7 * (n + 1)),
                outcome=outcome,
            )
        if index % 3 == 2:
            continue  # not every team has met yet
        members = list(episode.members.filter(left_at__isnull=True))
        t.meeting_record(
            actor=lead,
            episode=episode,
            kind="team",
            held_on=today - timedelta(days=rng.randint(3, 40)),
            attendance={m.pk: rng.choice(["attended", "attended", "apologies"]) for m in members},
            decisions=[("Keep the safety plan under weekly review", "Risk is still high")],
        )
        decision = episode.decisions.first()
        if decision is not None and index % 4 == 1:
            raised = t.disagreement_raise(
                actor=doer.practitioner or lead,
                decision=decision,
                text="Weekly is not enough while the perpetrator is back in the area.",
            )
            t.disagreement_resolve(
                actor=lead,
                disagreement=raised,
                resolution="Kept to weekly reviews, with a police check after each incident.",
                upheld=index % 8 == 5,
            )


# ----------------------------------------------------------------------------- surveys


def _instrument(prefix: str) -> SurveyInstrument:
    return SurveyInstrument.objects.get(key=f"{prefix}@1")


def _season(days_ago: int) -> str:
    """E.g. "autumn 2026": rounds are named by when they ran, so the demo reads right any day."""
    day = timezone.localdate() - timedelta(days=days_ago)
    season = ("winter", "spring", "summer", "autumn")[(day.month % 12) // 3]
    return f"{season} {day.year}"


def _open_round(manager: Practitioner, prefix: str, name: str, days_left: int) -> SurveyRound:
    today = timezone.localdate()
    made = services.round_create(
        actor=manager,
        instrument=_instrument(prefix),
        name=name,
        opens_on=today - timedelta(days=7),
        closes_on=today + timedelta(days=days_left),
    )
    return services.round_open(actor=manager, survey_round=made)


def _themed_answers(
    rng: random.Random, round_: SurveyRound, sector: str, better: float
) -> dict[str, int | None]:
    instrument = services.instrument_parse(round_.instrument)
    answers: dict[str, int | None] = {}
    for item in instrument.items:
        lean = SECTOR_LEAN.get(sector, 0.0) if item.theme == "sharing-power" else 0.0
        lean += 0.2 * SECTOR_LEAN.get(sector, 0.0)
        value = round(THEMES.get(item.theme or "", 3.0) + lean + better + rng.gauss(0, 0.8))
        value = min(5, max(1, value))
        answers[item.id] = None if rng.random() < 0.05 else (6 - value if item.reverse else value)
    return answers


def _surveys(rng: random.Random) -> None:
    manager = _p(MANAGER)
    practitioners = list(
        Practitioner.objects.filter(organisation__isnull=False, is_active=True)
        .select_related("organisation")
        .order_by("email")
    )
    first = f"Collaboration survey, {_season(EARLIER_ROUND_DAYS)}"
    earlier = _open_round(manager, "joinedup-collaboration", first, 1)
    for person in practitioners:
        sector = person.organisation.sector  # type: ignore[union-attr]
        answers = _themed_answers(rng, earlier, sector, 0.0)
        services.response_submit(actor=person, survey_round=earlier, answers=answers)
    services.round_close(actor=manager, survey_round=earlier)
    _move_back(earlier, EARLIER_ROUND_DAYS)
    now = f"Collaboration survey, {_season(0)}"
    current = _open_round(manager, "joinedup-collaboration", now, 21)
    for person in practitioners:
        if rng.random() < 0.6 and person.email != MANAGER:
            answers = _themed_answers(rng, current, person.organisation.sector, 0.25)  # type: ignore[union-attr]
            services.response_submit(actor=person, survey_round=current, answers=answers)
    partners = f"Partner ratings, {_season(RATINGS_ROUND_DAYS)}"
    ratings = _open_round(manager, "joinedup-relational", partners, 1)
    _partner_ratings(rng, ratings, practitioners)
    services.round_close(actor=manager, survey_round=ratings)
    _move_back(ratings, RATINGS_ROUND_DAYS)


def _move_back(survey_round: SurveyRound, days: int) -> None:
    """Demo only: the round ran `days` ago for four weeks."""
    now = timezone.now()
    SurveyRound.objects.filter(pk=survey_round.pk).update(
        opens_on=(now - timedelta(days=days)).date(),
        closes_on=(now - timedelta(days=days - 28)).date(),
        opened_at=now - timedelta(days=days),
        closed_at=now - timedelta(days=days - 28),
    )


# (rater, rated): (trust, value, level of collaboration) — the two who see each other differently.
STORY_RATINGS = {
    ("police", "safe-harbour"): (1.3, 1.7, 1),
    ("safe-harbour", "police"): (3.7, 3.7, 4),
}
RATED_BY_EVERYONE = ["early-help", "police", "safe-harbour", "health-visiting"]


def _relational_answers(
    rng: random.Random, trust: float, value: float, level: int
) -> dict[str, int | None]:
    def near(centre: float) -> int:
        return min(4, max(1, round(centre + rng.gauss(0, 0.35))))

    return {
        "reliable": near(trust),
        "shared-mission": near(trust),
        "open-to-discussion": near(trust),
        "influence": near(value),
        "involvement": near(value),
        "resources": near(value),
        "level-of-collaboration": level,
    }


def _partner_ratings(
    rng: random.Random, ratings: SurveyRound, practitioners: list[Practitioner]
) -> None:
    """One practitioner answers for each organisation, about four or five partners."""
    organisations = {o.code: o for o in Organisation.objects.all()}
    respondent: dict[str, Practitioner] = {}
    for person in practitioners:
        respondent.setdefault(person.organisation.code, person)  # type: ignore[union-attr]
    for code, person in sorted(respondent.items()):
        for rated in RATED_BY_EVERYONE:
            if rated == code:
                continue
            trust, value, level = STORY_RATINGS.get(
                (code, rated), (rng.uniform(2.6, 3.4), rng.uniform(2.5, 3.5), rng.randint(2, 3))
            )
            services.response_submit(
                actor=person,
                survey_round=ratings,
                answers=_relational_answers(rng, trust, value, level),
                partner=organisations[rated],
            )
