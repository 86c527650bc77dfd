"""Every read of the outcomes app, through the access policy, each allowed read audited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from joinedup.assessments.models import Assessment, AssessmentStatus
from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import Episode, EpisodeStatus, Meeting, WantedOutcome
from joinedup.errors import NotFound
from joinedup.outcomes import distance as d
from joinedup.outcomes.charts import LineChart, line_chart
from joinedup.outcomes.defaults import ensure_default_frameworks
from joinedup.outcomes.models import (
    SUPPORTING_FAMILIES,
    IdentifiedNeed,
    Measurement,
    OutcomeCategory,
    SuccessRule,
    Voice,
)
from joinedup.sharing import policy


def default_categories() -> QuerySet[OutcomeCategory]:
    if not OutcomeCategory.objects.filter(framework__is_default=True).exists():
        ensure_default_frameworks()
    return OutcomeCategory.objects.filter(framework__is_default=True).order_by("position")


def headline_outcomes() -> QuerySet[OutcomeCategory]:
    """The ten Supporting Families headline outcomes."""
    if not OutcomeCategory.objects.filter(framework__code=SUPPORTING_FAMILIES).exists():
        ensure_default_frameworks()
    return OutcomeCategory.objects.filter(framework__code=SUPPORTING_FAMILIES).order_by("position")


def display_name(person: Any) -> str:
    return f"{person.preferred_name or person.given_name} {person.family_name}".strip()


# --- Distance travelled -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreShown:
    """One score as a reader sees it in the table of scores."""

    measured_on: date
    who: str
    score: int
    note: str
    picture_scale: bool


@dataclass
class OutcomeRow:
    outcome: WantedOutcome
    team: d.Distance
    family: dict[str, d.Distance]
    chart: LineChart
    scores: list[ScoreShown]
    headlines: list[str]
    # The measurements themselves, for the team (the API lists them); empty for the family.
    measurements: list[Measurement] = field(default_factory=list)


@dataclass
class OutcomesView:
    episode: Episode
    rows: list[OutcomeRow]
    team_change: float | None
    family_change: dict[str, float | None]
    needs: list[IdentifiedNeed] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    may_edit: bool = False
    family_names: list[str] = field(default_factory=list)

    @property
    def headline_count(self) -> int:
        return len({n.headline_id for n in self.needs})


def _shown(m: Measurement, family_user: Any, own_person_id: int | None) -> ScoreShown:
    if m.voice == Voice.PRACTITIONER:
        who = "The team"
    else:
        who = "You" if m.person_id == own_person_id else display_name(m.person)
    if m.picture_scale:
        who += " (picture scale)"
    note = m.note
    if family_user is not None and not policy.family_may_read_measurement_note(family_user, m):
        note = ""
    return ScoreShown(m.measured_on, who, m.score, note, m.picture_scale)


def _rows(
    outcomes: list[WantedOutcome],
    measurements: list[Measurement],
    needs: list[IdentifiedNeed],
    family_user: Any = None,
) -> list[OutcomeRow]:
    """One row per outcome. `family_user` set: the family's page, showing what the policy lets
    that family member read (the team's scores and their own view, their own notes only)."""
    account = policy.family_account(family_user) if family_user is not None else None
    own_person_id = account.person_id if account is not None else None
    by_outcome: dict[int, list[Measurement]] = defaultdict(list)
    for m in measurements:
        if family_user is not None and not policy.family_may_read_measurement(family_user, m):
            continue
        by_outcome[m.outcome_id].append(m)
    headlines: dict[int, list[str]] = defaultdict(list)
    for need in needs:
        for o in need.outcomes.all():
            headlines[o.pk].append(need.headline.name)
    rows = []
    for outcome in outcomes:
        items = by_outcome[outcome.pk]
        team = [(m.measured_on, m.score) for m in items if m.voice == Voice.PRACTITIONER]
        family: dict[str, list[tuple[date, int]]] = defaultdict(list)
        for m in items:
            if m.voice == Voice.FAMILY:
                name = "Your view" if m.person_id == own_person_id else display_name(m.person)
                family[name].append((m.measured_on, m.score))
        rows.append(
            OutcomeRow(
                outcome=outcome,
                team=d.distance(team),
                family={k: d.distance(v) for k, v in sorted(family.items())},
                chart=line_chart(team, dict(family)),
                scores=[_shown(m, family_user, own_person_id) for m in items],
                headlines=headlines[outcome.pk],
                measurements=items if family_user is None else [],
            )
        )
    return rows


def _family_changes(rows: list[OutcomeRow]) -> dict[str, float | None]:
    names = sorted({name for r in rows for name in r.family})
    return {n: d.mean_change([r.family[n] for r in rows if n in r.family]) for n in names}


def _load(episode: Episode) -> tuple[list[WantedOutcome], list[Measurement], list[IdentifiedNeed]]:
    outcomes = list(episode.outcomes.select_related("category"))
    measurements = list(
        Measurement.objects.filter(episode=episode).select_related("person", "recorded_by")
    )
    needs = list(
        IdentifiedNeed.objects.filter(episode=episode)
        .select_related("headline", "assessment")
        .prefetch_related("outcomes")
    )
    return outcomes, measurements, needs


def episode_outcomes(*, user: Any, episode_id: Any) -> OutcomesView:
    """Distance travelled for the team: every outcome, both voices side by side."""
    episode = policy.require_episode(user, episode_id, purpose="outcomes")
    outcomes, measurements, needs = _load(episode)
    rows = _rows(outcomes, measurements, needs)
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        obj=episode,
        persons=episode.persons.all(),
        purpose="outcomes",
        lawful_basis=policy.BASIS_EPISODE,
        detail={"page": "distance travelled"},
    )
    return OutcomesView(
        episode=episode,
        rows=rows,
        team_change=d.mean_change([r.team for r in rows]),
        family_change=_family_changes(rows),
        needs=needs,
        meetings=list(episode.meetings.filter(kind=Meeting.Kind.REVIEW)),
        may_edit=policy.may_edit_episode(user, episode),
        family_names=[display_name(p) for p in policy.family_participants(episode)],
    )


def family_outcomes(*, user: Any, episode_id: Any) -> OutcomesView:
    """Distance travelled on the family's own pages: the team's view and their own."""
    episode = policy.require_family_episode(user, episode_id, purpose="outcomes")
    account = policy.family_account(user)
    assert account is not None
    outcomes, measurements, needs = _load(episode)
    rows = _rows(outcomes, measurements, needs, family_user=user)
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        obj=episode,
        persons={account.person_id, *episode.persons.values_list("pk", flat=True)},
        purpose="family",
        lawful_basis=policy.BASIS_FAMILY_OWN,
        detail={"page": "how things are"},
    )
    return OutcomesView(
        episode=episode,
        rows=rows,
        team_change=d.mean_change([r.team for r in rows]),
        family_change=_family_changes(rows),
        may_edit=episode.status != EpisodeStatus.CLOSED,
    )


def family_outcome_get(*, user: Any, episode_id: Any, outcome_id: Any) -> WantedOutcome:
    episode = policy.require_family_episode(user, episode_id, purpose="outcomes")
    try:
        found = episode.outcomes.filter(pk=int(outcome_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


def family_participant_choices(*, user: Any, episode_id: Any) -> list[tuple[int, str]]:
    episode = policy.require_episode(user, episode_id, purpose="outcomes")
    return [(p.pk, display_name(p)) for p in policy.family_participants(episode)]


# --- The successful-family-outcome rule ---------------------------------------------------------


def rule_of(row: SuccessRule) -> d.Rule:
    return d.Rule(
        min_headlines=row.min_headlines,
        require_lead=row.require_lead,
        require_whole_family_assessment=row.require_whole_family_assessment,
        require_plan=row.require_plan,
        met_score=row.met_score,
        sustained_days=row.sustained_days,
        close_missing=row.close_missing,
    )


def current_rule() -> d.Rule:
    row = SuccessRule.objects.order_by("pk").first()
    return rule_of(row) if row is not None else d.Rule()


def _whole_family(assessments: Iterable[Assessment]) -> bool:
    """Completed, with the child's own words and at least one parent's or carer's."""
    return any(
        a.status != AssessmentStatus.DRAFT
        and a.child_words.strip()
        and any((w.get("words") or "").strip() for w in (a.carers_words or []))
        for a in assessments
    )


def facts_for(episodes: list[Episode]) -> dict[int, d.EpisodeFacts]:
    """What the rule needs for each episode, in a fixed number of queries."""
    ids = [e.pk for e in episodes]
    needs: dict[int, list[d.NeedFacts]] = defaultdict(list)
    for need in (
        IdentifiedNeed.objects.filter(episode_id__in=ids)
        .select_related("headline")
        .prefetch_related("outcomes")
        .order_by("headline__position")
    ):
        needs[need.episode_id].append(
            d.NeedFacts(
                need.headline.code,
                need.headline.name,
                tuple(sorted(o.pk for o in need.outcomes.all())),
            )
        )
    scores: dict[int, dict[int, list[tuple[date, int]]]] = defaultdict(lambda: defaultdict(list))
    for episode_id, outcome_id, on, score in Measurement.objects.filter(
        episode_id__in=ids, voice=Voice.PRACTITIONER
    ).values_list("episode_id", "outcome_id", "measured_on", "score"):
        scores[episode_id][outcome_id].append((on, score))
    assessments: dict[int, list[Assessment]] = defaultdict(list)
    for a in Assessment.objects.filter(episode_id__in=ids).only(
        "episode_id", "status", "child_words", "carers_words"
    ):
        assessments[a.episode_id].append(a)
    plan: dict[int, int] = defaultdict(int)
    for episode_id in WantedOutcome.objects.filter(episode_id__in=ids).values_list(
        "episode_id", flat=True
    ):
        plan[episode_id] += 1
    later = _later_episodes(episodes)
    return {
        e.pk: d.EpisodeFacts(
            reference=e.reference,
            closed_on=timezone.localtime(e.closed_at).date() if e.closed_at else None,
            has_lead=e.lead_professional_id is not None,
            whole_family_assessment=_whole_family(assessments[e.pk]),
            plan_outcomes=plan[e.pk],
            needs=tuple(needs[e.pk]),
            scores={k: list(v) for k, v in scores[e.pk].items()},
            later=tuple(later.get(e.pk, ())),
        )
        for e in episodes
    }


def _later_episodes(episodes: list[Episode]) -> dict[int, list[d.LaterEpisode]]:
    """Episodes for any of the same people opened after each one closed (a re-referral)."""
    through = Episode.persons.through
    persons: dict[int, set[int]] = defaultdict(set)
    for episode_id, person_id in through.objects.filter(
        episode_id__in=[e.pk for e in episodes]
    ).values_list("episode_id", "person_id"):
        persons[episode_id].add(person_id)
    everyone = set().union(*persons.values()) if persons else set()
    others: dict[int, list[tuple[int, str, date]]] = defaultdict(list)
    seen: dict[int, tuple[str, date]] = {}
    for person_id, episode_id, reference, opened in through.objects.filter(
        person_id__in=everyone
    ).values_list("person_id", "episode_id", "episode__reference", "episode__opened_at"):
        others[person_id].append((episode_id, reference, timezone.localtime(opened).date()))
        seen[episode_id] = (reference, timezone.localtime(opened).date())
    headlines: dict[int, set[str]] = defaultdict(set)
    for episode_id, code in IdentifiedNeed.objects.filter(episode_id__in=seen).values_list(
        "episode_id", "headline__code"
    ):
        headlines[episode_id].add(code)
    result: dict[int, list[d.LaterEpisode]] = {}
    for e in episodes:
        if e.closed_at is None:
            continue
        closed = timezone.localtime(e.closed_at).date()
        found = {
            (eid, ref, opened)
            for p in persons[e.pk]
            for eid, ref, opened in others[p]
            if eid != e.pk and opened >= closed
        }
        result[e.pk] = [
            d.LaterEpisode(ref, opened, frozenset(headlines[eid]))
            for eid, ref, opened in sorted(found, key=lambda f: f[2])
        ]
    return result


def outcome_check(*, user: Any, episode_id: Any) -> d.Check:
    """The rule checked for one family, for its team or a partnership manager."""
    episode = _episode_for_check(user, episode_id)
    facts = facts_for([episode])[episode.pk]
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        obj=episode,
        persons=episode.persons.all(),
        purpose="outcomes",
        lawful_basis=policy.BASIS_EPISODE,
        detail={"page": "successful family outcome check"},
    )
    return d.check(facts, current_rule(), timezone.localdate())


def _episode_for_check(user: Any, episode_id: Any) -> Episode:
    if policy.may_view_partnership_health(user):
        try:
            found = Episode.objects.filter(pk=int(episode_id)).first()
        except (TypeError, ValueError):
            found = None
        if found is None:
            raise policy.refuse(user, object_type="episodes.episode", object_id=episode_id)
        return found
    return policy.require_episode(user, episode_id, purpose="outcomes")


@dataclass
class RuleLists:
    rule: d.Rule
    met: list[d.Check]
    close: list[d.Check]
    checked: int
    episode_ids: dict[str, int]


def rule_lists(*, user: Any) -> RuleLists:
    """Families meeting the rule and those close to it (partnership managers). Families are
    named by their episode reference only."""
    policy.require_partnership_manager(user, object_type="outcomes.rule")
    rule = current_rule()
    episodes = list(
        Episode.objects.filter(status=EpisodeStatus.CLOSED, needs__isnull=False)
        .distinct()
        .only("pk", "reference", "closed_at", "lead_professional_id")
        .order_by("closed_at", "pk")
    )
    today = timezone.localdate()
    facts = facts_for(episodes)
    checks = [d.check(facts[e.pk], rule, today) for e in episodes]
    return RuleLists(
        rule=rule,
        met=[c for c in checks if c.met],
        close=[c for c in checks if d.is_close(c, rule)],
        checked=len(checks),
        episode_ids={e.reference: e.pk for e in episodes},
    )
