"""Distance travelled and the successful-family-outcome rule, as pure functions over plain
values, so that they can be worked out by hand and tested without a database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Distance:
    """First and latest score in one voice, and the change between them."""

    first: int | None
    first_on: date | None
    latest: int | None
    latest_on: date | None
    count: int

    @property
    def change(self) -> int | None:
        if self.first is None or self.latest is None:
            return None
        return self.latest - self.first


NO_DISTANCE = Distance(None, None, None, None, 0)


def distance(scores: list[tuple[date, int]]) -> Distance:
    """Scores (date, 0–10) in one voice, in any order; the same day keeps the later entry."""
    if not scores:
        return NO_DISTANCE
    ordered = sorted(enumerate(scores), key=lambda pair: (pair[1][0], pair[0]))
    (_, (first_on, first)), (_, (latest_on, latest)) = ordered[0], ordered[-1]
    return Distance(first, first_on, latest, latest_on, len(scores))


def mean_change(distances: list[Distance]) -> float | None:
    """The mean change over outcomes in ONE voice (voices are never averaged together), over
    the outcomes scored at least twice."""
    changes = [d.change for d in distances if d.change is not None and d.count >= 2]
    return sum(changes) / len(changes) if changes else None


# --- The successful-family-outcome rule ---------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    min_headlines: int = 3
    require_lead: bool = True
    require_whole_family_assessment: bool = True
    require_plan: bool = True
    met_score: int = 7
    sustained_days: int = 183
    close_missing: int = 1


@dataclass(frozen=True)
class NeedFacts:
    headline: str  # the headline's code
    name: str
    outcome_ids: tuple[int, ...]


@dataclass(frozen=True)
class LaterEpisode:
    """Another episode for any of the same people, opened after this one closed."""

    reference: str
    opened_on: date
    headlines: frozenset[str]


@dataclass(frozen=True)
class EpisodeFacts:
    reference: str
    closed_on: date | None
    has_lead: bool
    whole_family_assessment: bool
    plan_outcomes: int
    needs: tuple[NeedFacts, ...]
    # The team's scores per outcome: [(date, score)].
    scores: dict[int, list[tuple[date, int]]] = field(default_factory=dict)
    later: tuple[LaterEpisode, ...] = ()


@dataclass(frozen=True)
class Part:
    code: str
    label: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class NeedEvidence:
    headline: str
    name: str
    met: bool
    sustained: bool
    detail: str
    at_closure: list[tuple[int, date | None, int | None]]  # outcome, date, score
    follow_up: list[tuple[int, date | None, int | None]]
    relapse: str = ""


@dataclass(frozen=True)
class Check:
    reference: str
    parts: list[Part]
    needs: list[NeedEvidence]

    @property
    def met(self) -> bool:
        return all(p.ok for p in self.parts)

    @property
    def missing(self) -> list[Part]:
        return [p for p in self.parts if not p.ok]


def _latest_on_or_before(scores: list[tuple[date, int]], day: date) -> tuple[date, int] | None:
    before = [s for s in scores if s[0] <= day]
    return max(before, key=lambda s: s[0]) if before else None


def _need_evidence(need: NeedFacts, facts: EpisodeFacts, rule: Rule, today: date) -> NeedEvidence:
    closed = facts.closed_on
    at_closure: list[tuple[int, date | None, int | None]] = []
    follow_up: list[tuple[int, date | None, int | None]] = []
    if not need.outcome_ids:
        return NeedEvidence(
            need.headline,
            need.name,
            False,
            False,
            "No outcome in the plan answers this need.",
            [],
            [],
        )
    if closed is None:
        return NeedEvidence(
            need.headline, need.name, False, False, "The episode is still open.", [], []
        )
    met = True
    for outcome_id in need.outcome_ids:
        found = _latest_on_or_before(facts.scores.get(outcome_id, []), closed)
        at_closure.append((outcome_id, found[0] if found else None, found[1] if found else None))
        met = met and found is not None and found[1] >= rule.met_score
    due = closed + timedelta(days=rule.sustained_days)
    relapse = ""
    sustained = met
    for outcome_id in need.outcome_ids:
        after = sorted(s for s in facts.scores.get(outcome_id, []) if s[0] > closed)
        low = next((s for s in after if s[0] <= due and s[1] < rule.met_score), None)
        if low is not None and not relapse:
            relapse = f"Scored {low[1]} on {low[0]:%-d %B %Y}, within {rule.sustained_days} days"
        late = [s for s in after if s[0] >= due]
        follow_up.append((outcome_id, late[0][0] if late else None, late[0][1] if late else None))
        sustained = sustained and low is None and bool(late) and late[0][1] >= rule.met_score
    for episode in facts.later:
        if need.headline in episode.headlines and episode.opened_on <= due and not relapse:
            relapse = f"Needed help again ({episode.reference}, {episode.opened_on:%-d %B %Y})"
            sustained = False
    if not met:
        detail = f"Not met at closure: the team's score is below {rule.met_score}."
    elif relapse:
        detail = f"Met at closure, but not sustained: {relapse}."
    elif today < due:
        detail = f"Met at closure; six months after closure falls on {due:%-d %B %Y}."
    elif not sustained:
        detail = (
            f"Met at closure, but no score of {rule.met_score} or more on or after "
            f"{due:%-d %B %Y} shows it lasted."
        )
    else:
        detail = "Met at closure and sustained."
    return NeedEvidence(
        need.headline, need.name, met, sustained, detail, at_closure, follow_up, relapse
    )


def check(facts: EpisodeFacts, rule: Rule, today: date) -> Check:
    """Every part of the rule, each saying whether it holds and why not."""
    headlines = {n.headline for n in facts.needs}
    parts = [
        Part(
            "needs",
            f"Needs under at least {rule.min_headlines} headline outcomes",
            len(headlines) >= rule.min_headlines,
            f"Needs under {len(headlines)} headline outcome{'s' if len(headlines) != 1 else ''}.",
        )
    ]
    if rule.require_lead:
        parts.append(
            Part(
                "lead",
                "A lead practitioner",
                facts.has_lead,
                "" if facts.has_lead else "No lead practitioner.",
            )
        )
    if rule.require_whole_family_assessment:
        ok = facts.whole_family_assessment
        parts.append(
            Part(
                "assessment",
                "A whole-family assessment",
                ok,
                ""
                if ok
                else "No completed assessment with the child's and a "
                "parent's or carer's own words.",
            )
        )
    if rule.require_plan:
        ok = facts.plan_outcomes > 0
        parts.append(Part("plan", "A plan", ok, "" if ok else "The plan has no outcomes."))
    evidence = [_need_evidence(n, facts, rule, today) for n in facts.needs]
    for e in evidence:
        parts.append(
            Part(
                f"need:{e.headline}",
                f"{e.name}: met and sustained",
                e.met and e.sustained and not e.relapse,
                e.detail,
            )
        )
    return Check(facts.reference, parts, evidence)


def is_close(result: Check, rule: Rule) -> bool:
    return not result.met and len(result.missing) <= rule.close_missing
