"""Outcome triggers for the partnership-health prompts: conversations, not league tables.

Pure rules over plain figures (thresholds as keyword arguments), and `outcome_prompts`, which
reads the figures and returns them for the partnership-health rebuild with the link to their
evidence. Families are counted, never named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import mean

from django.urls import reverse
from django.utils import timezone

from joinedup.insight.prompts import Prompt
from joinedup.outcomes import distance as d

DEFAULT_MIN_FAMILIES = 5
DEFAULT_MANY_ORGANISATIONS = 3
DEFAULT_GAP = 1.0  # points on the 0-10 scale
DEFAULT_RE_REFERRAL_RATE = 0.2
RE_REFERRAL_DAYS = 365
DEFAULT_MIN_ACTIONS = 10
DEFAULT_COMPLETED_BELOW = 0.5


@dataclass(frozen=True)
class NeedFamily:
    """One family's need: its headline, how many organisations worked with the family, the
    team's mean change on the need's outcomes, and whether the family came back within a year."""

    headline: str
    organisations: int
    change: float | None
    came_back: bool | None  # None: closed less than a year ago, or still open


def improve_less_with_more_organisations(
    families: Sequence[NeedFamily],
    *,
    many: int = DEFAULT_MANY_ORGANISATIONS,
    gap: float = DEFAULT_GAP,
    min_families: int = DEFAULT_MIN_FAMILIES,
) -> list[Prompt]:
    by_headline: dict[str, list[NeedFamily]] = defaultdict(list)
    for f in families:
        if f.change is not None:
            by_headline[f.headline].append(f)
    prompts = []
    for headline, group in sorted(by_headline.items()):
        more = [f.change for f in group if f.organisations >= many and f.change is not None]
        fewer = [f.change for f in group if f.organisations < many and f.change is not None]
        if len(more) < min_families or len(fewer) < min_families:
            continue
        if mean(fewer) - mean(more) < gap:
            continue
        prompts.append(
            Prompt(
                kind="outcomes_more_organisations",
                title=f"{headline}: families improve less when more organisations are involved",
                text=(
                    f"Families with a need under '{headline}' moved {mean(more):+.1f} points on "
                    f"average when {many} or more organisations were involved, against "
                    f"{mean(fewer):+.1f} with fewer. Is the work joined up, or are families "
                    "passed around?"
                ),
                evidence={
                    "headline": headline,
                    "rows": [
                        [
                            f"{many} or more organisations ({len(more)} families)",
                            f"{mean(more):+.1f}",
                        ],
                        [f"Fewer ({len(fewer)} families)", f"{mean(fewer):+.1f}"],
                    ],
                    "families": len(more) + len(fewer),
                    "metric": "outcome_distance",
                },
            )
        )
    return prompts


def headline_re_referred_often(
    families: Sequence[NeedFamily],
    *,
    rate: float = DEFAULT_RE_REFERRAL_RATE,
    min_families: int = DEFAULT_MIN_FAMILIES,
) -> list[Prompt]:
    by_headline: dict[str, list[bool]] = defaultdict(list)
    for f in families:
        if f.came_back is not None:
            by_headline[f.headline].append(f.came_back)
    prompts = []
    for headline, back in sorted(by_headline.items()):
        if len(back) < min_families or sum(back) < min_families:
            continue  # small numbers are not shown
        share = sum(back) / len(back)
        if share < rate:
            continue
        prompts.append(
            Prompt(
                kind="outcomes_re_referred",
                title=f"{headline}: families often come back",
                text=(
                    f"{share:.0%} of the families whose episode with a need under '{headline}' "
                    "closed came back for help within 12 months. What happens after support "
                    "ends?"
                ),
                evidence={
                    "headline": headline,
                    "rows": [["Came back within 12 months", f"{sum(back)} of {len(back)}"]],
                    "families": len(back),
                    "metric": "outcome_re_referral",
                },
            )
        )
    return prompts


@dataclass(frozen=True)
class OrganisationActions:
    organisation: int
    name: str
    due: int
    done: int


def actions_rarely_completed(
    figures: Sequence[OrganisationActions],
    *,
    below: float = DEFAULT_COMPLETED_BELOW,
    min_actions: int = DEFAULT_MIN_ACTIONS,
) -> list[Prompt]:
    prompts = []
    for f in figures:
        if f.due < min_actions or f.done / f.due >= below:
            continue
        prompts.append(
            Prompt(
                kind="outcomes_actions_rarely_completed",
                title=f"{f.name}: actions in plans are rarely completed",
                text=(
                    f"Of {f.due} actions owned by {f.name}'s practitioners and due by now, "
                    f"{f.done} ({f.done / f.due:.0%}) were completed. What gets in the way, and "
                    "does the team know?"
                ),
                evidence={
                    "organisation": f.organisation,
                    "rows": [["Actions due", str(f.due)], ["Completed", str(f.done)]],
                    "metric": "actions_completed",
                },
            )
        )
    return prompts


# --- Reading the figures ------------------------------------------------------------------------


def _need_families(as_of: date) -> list[NeedFamily]:
    from joinedup.episodes.models import Episode, TeamMember
    from joinedup.outcomes.models import IdentifiedNeed, Measurement, Voice

    scores: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for oid, on, score in Measurement.objects.filter(voice=Voice.PRACTITIONER).values_list(
        "outcome_id", "measured_on", "score"
    ):
        scores[oid].append((on, score))
    orgs: dict[int, set[int]] = defaultdict(set)
    for eid, org in TeamMember.objects.filter(practitioner__isnull=False).values_list(
        "episode_id", "practitioner__organisation_id"
    ):
        orgs[eid].add(org)
    persons: dict[int, set[int]] = defaultdict(set)
    opened_by_person: dict[int, list[date]] = defaultdict(list)
    for eid, pid, opened in Episode.persons.through.objects.values_list(
        "episode_id", "person_id", "episode__opened_at"
    ):
        persons[eid].add(pid)
        opened_by_person[pid].append(timezone.localtime(opened).date())
    closed = {
        pk: timezone.localtime(at).date()
        for pk, at in Episode.objects.filter(closed_at__isnull=False).values_list("pk", "closed_at")
    }
    families = []
    for need in IdentifiedNeed.objects.select_related("headline").prefetch_related("outcomes"):
        distances = [d.distance(scores[o.pk]) for o in need.outcomes.all()]
        change = d.mean_change([x for x in distances if x.count >= 2])
        came_back = None
        end = closed.get(need.episode_id)
        if end is not None and end + timedelta(days=RE_REFERRAL_DAYS) <= as_of:
            came_back = any(
                end < opened <= end + timedelta(days=RE_REFERRAL_DAYS)
                for p in persons[need.episode_id]
                for opened in opened_by_person[p]
            )
        families.append(
            NeedFamily(need.headline.name, len(orgs[need.episode_id]), change, came_back)
        )
    return families


def _organisation_actions(as_of: date) -> list[OrganisationActions]:
    from joinedup.episodes.models import Action, ActionStatus
    from joinedup.partnership.models import Organisation

    due: dict[int, list[bool]] = defaultdict(list)
    for org, status in Action.objects.filter(
        due_on__lte=as_of, owner__practitioner__isnull=False
    ).values_list("owner__practitioner__organisation_id", "status"):
        due[org].append(status == ActionStatus.DONE)
    names: Mapping[int, str] = dict(Organisation.objects.values_list("pk", "name"))
    return [
        OrganisationActions(org, names.get(org, ""), len(done), sum(done))
        for org, done in sorted(due.items())
    ]


def outcome_prompts(as_of: date) -> list[tuple[Prompt, str, str]]:
    """(prompt, link to its evidence, fingerprint key) for the partnership-health rebuild."""
    dashboard = reverse("outcomes:dashboard")
    families = _need_families(as_of)
    found: list[tuple[Prompt, str, str]] = []
    for p in improve_less_with_more_organisations(families):
        found.append((p, f"{dashboard}#figure-outcomes_distance", p.evidence["headline"]))
    for p in headline_re_referred_often(families):
        found.append((p, f"{dashboard}#figure-re_referrals", p.evidence["headline"]))
    for p in actions_rarely_completed(_organisation_actions(as_of)):
        found.append(
            (p, f"{dashboard}#figure-caseload_organisation", str(p.evidence["organisation"]))
        )
    return found
