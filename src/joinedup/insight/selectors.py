"""Every partnership-health read a user sees, through the access policy.

The pages read stored results only (the rebuild computes them); nothing here names a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from joinedup.errors import NotFound
from joinedup.insight import formulas, layout, network, services
from joinedup.insight.models import (
    BuildStatus,
    ContinuumResult,
    InsightBuild,
    NetworkResult,
    NodeKind,
    Prompt,
    PromptDiscussion,
    RoundStatus,
    SurveyAnswered,
    SurveyInstrument,
    SurveyResult,
    SurveyRound,
    SurveyTrend,
    VoiceResult,
)
from joinedup.partnership.models import Organisation
from joinedup.sharing import policy

PERIODS = network.STANDARD_PERIODS_DAYS
NODE_ROWS_SHOWN = 200


def _manager(user: Any, object_type: str, object_id: Any = "") -> None:
    policy.require_partnership_manager(user, object_type=object_type, object_id=object_id)


def latest_build() -> InsightBuild | None:
    return InsightBuild.objects.filter(status=BuildStatus.DONE).first()


def _period(value: Any) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        return max(PERIODS)
    return days if days in PERIODS else max(PERIODS)


@dataclass
class Overview:
    build: InsightBuild | None
    running: InsightBuild | None
    last_failed: InsightBuild | None
    prompts_active: int
    prompts_waiting: int
    rounds_open: int


def overview(*, user: Any) -> Overview:
    _manager(user, "insight.overview")
    latest = InsightBuild.objects.first()
    prompts = Prompt.objects.filter(active=True)
    return Overview(
        build=latest_build(),
        running=latest if latest and latest.status == BuildStatus.RUNNING else None,
        last_failed=latest if latest and latest.status == BuildStatus.FAILED else None,
        prompts_active=prompts.count(),
        prompts_waiting=prompts.filter(discussions__isnull=True).count(),
        rounds_open=SurveyRound.objects.filter(status=RoundStatus.OPEN).count(),
    )


def build_get(*, user: Any, build_id: Any) -> InsightBuild:
    _manager(user, "insight.insightbuild", build_id)
    build = InsightBuild.objects.filter(pk=build_id).first()
    if build is None:
        raise NotFound()
    return build


# ----------------------------------------------------------------------------- network


@dataclass
class NetworkView:
    build: InsightBuild | None
    result: NetworkResult | None
    period_days: int
    nodes_are: str
    locality: str
    localities: list[str]
    nodes: list[Any] = field(default_factory=list)
    nodes_total: int = 0


def network_view(
    *, user: Any, period: Any = None, nodes: Any = None, locality: Any = None
) -> NetworkView:
    _manager(user, "insight.network")
    days = _period(period)
    kind = nodes if nodes in NodeKind.values else NodeKind.ORGANISATION
    build = latest_build()
    results = NetworkResult.objects.filter(build=build, period_days=days, nodes_are=kind)
    localities = sorted(v for v in results.values_list("locality", flat=True) if v)
    chosen = str(locality or "") if (locality or "") in localities else ""
    result = results.filter(locality=chosen).first()
    view = NetworkView(build, result, days, kind, chosen, localities)
    if result is not None:
        view.nodes = list(result.nodes.all()[:NODE_ROWS_SHOWN])
        view.nodes_total = result.nodes.count()
    return view


def network_nodes(*, user: Any, result: NetworkResult) -> QuerySet[Any]:
    _manager(user, "insight.network")
    return result.nodes.all()


# ----------------------------------------------------------------------------- voice and continuum


def voice_view(
    *, user: Any, period: Any = None, by: Any = None
) -> tuple[InsightBuild | None, VoiceResult | None, int, str]:
    _manager(user, "insight.voice")
    days = _period(period)
    group_by = by if by in ("profession", "sector") else "profession"
    build = latest_build()
    result = VoiceResult.objects.filter(build=build, period_days=days, group_by=group_by).first()
    return build, result, days, group_by


def voice_charts(result: VoiceResult | None) -> dict[str, Any]:
    """Bar-chart geometry for the balance-of-voice page (from the stored shares)."""
    if result is None:
        return {}
    groups = result.payload["groups"]
    lead = layout.share_bars(
        [(g["label"], [g["shares"]["memberships"], g["shares"]["lead_roles"]]) for g in groups],
        ["Share of team memberships", "Share of lead-professional roles"],
    )
    work = layout.share_bars(
        [
            (
                g["label"],
                [
                    g["shares"]["actions_owned"],
                    g["shares"]["meetings_attended"],
                    g["shares"]["decisions_recorded"],
                    g["shares"]["disagreements_raised"],
                ],
            )
            for g in groups
        ],
        [
            "Share of actions owned",
            "Share of meetings attended",
            "Share of decisions recorded",
            "Share of disagreements raised",
        ],
    )
    return {"lead": lead, "work": work}


def continuum_view(
    *, user: Any, period: Any = None
) -> tuple[InsightBuild | None, ContinuumResult | None, int]:
    _manager(user, "insight.continuum")
    days = _period(period)
    build = latest_build()
    return build, ContinuumResult.objects.filter(build=build, period_days=days).first(), days


def continuum_charts(result: ContinuumResult | None) -> dict[str, Any]:
    if result is None:
        return {}
    teams = result.payload["teams"]
    total_teams = teams["total"] or 1
    pairs = result.payload["pair_stages"]
    total_pairs = sum(p["pairs"] for p in pairs) or 1
    return {
        "teams": layout.share_bars(
            [(s["stage"], [s["teams"] / total_teams]) for s in teams["stages"]],
            ["Share of teams around families"],
        ),
        "pairs": layout.share_bars(
            [(s["stage"], [s["pairs"] / total_pairs]) for s in pairs],
            ["Share of pairs of organisations"],
        ),
    }


# ----------------------------------------------------------------------------- surveys


def rounds_for_manager(*, user: Any) -> list[SurveyRound]:
    _manager(user, "insight.surveyround")
    return list(
        SurveyRound.objects.select_related("instrument").annotate(
            people_answered=Count("answered__practitioner", distinct=True)
        )
    )


def instruments_for_manager(*, user: Any) -> list[SurveyInstrument]:
    _manager(user, "insight.surveyinstrument")
    services.instruments_shipped_register()
    return list(SurveyInstrument.objects.all())


def round_get(*, user: Any, round_id: Any) -> SurveyRound:
    _manager(user, "insight.surveyround", round_id)
    found = None
    try:
        found = (
            SurveyRound.objects.select_related("instrument")
            .annotate(people_answered=Count("answered__practitioner", distinct=True))
            .filter(pk=int(round_id))
            .first()
        )
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


@dataclass
class RoundResults:
    build: InsightBuild | None
    result: SurveyResult | None
    trend: SurveyTrend | None
    group_by: str
    instrument: Any
    charts: list[dict[str, Any]]


def round_results(*, user: Any, survey_round: SurveyRound, by: Any = None) -> RoundResults:
    _manager(user, "insight.surveyround", survey_round.pk)
    instrument = services.instrument_parse(survey_round.instrument)
    relational = instrument.kind == "relational"
    group_by = "pairs" if relational else (by if by in ("organisation", "sector") else "all")
    build = latest_build()
    result = SurveyResult.objects.filter(build=build, round=survey_round, group_by=group_by).first()
    trend = (
        None
        if relational
        else SurveyTrend.objects.filter(build=build, instrument=survey_round.instrument).first()
    )
    charts = []
    if result is not None and not relational:
        for group in result.payload["groups"]:
            charts.append(_score_rows(instrument, group))
    return RoundResults(build, result, trend, group_by, instrument, charts)


def _score_rows(instrument: Any, group: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for rule in instrument.scoring:
        spread = group["scores"].get(rule.id, {"suppressed": True})
        segments = []
        if not spread.get("suppressed"):
            labels = [p.label for p in instrument.scales[rule.scale].points]
            segments = layout.distribution_bar(
                {d["point"]: d["people"] for d in spread["distribution"]}, labels
            )
        rows.append({"rule": rule, "spread": spread, "segments": segments})
    return {"label": group["label"], "rows": rows}


def open_rounds_for(*, user: Any) -> list[tuple[SurveyRound, bool]]:
    """Rounds this practitioner may answer now, and whether they already have."""
    if not policy.may_answer_surveys(user):
        return []
    answered = SurveyAnswered.objects.filter(round=OuterRef("pk"), practitioner=user)
    found = SurveyRound.objects.filter(status=RoundStatus.OPEN).annotate(done=Exists(answered))
    return [
        (r, bool(r.done))
        for r in found.select_related("instrument")
        if services.round_answerable(r)
    ]  # type: ignore[attr-defined]


def answerable_round_get(*, user: Any, slug: Any) -> SurveyRound:
    """Security: a round that is not open answers as a missing page, and is audited."""
    found = None
    if policy.may_answer_surveys(user):
        found = SurveyRound.objects.select_related("instrument").filter(slug=str(slug)).first()
    if found is None or not services.round_answerable(found):
        raise policy.refuse(
            user, object_type="insight.surveyround", object_id=slug, purpose="survey"
        )
    return found


def partners_to_rate(*, user: Any, survey_round: SurveyRound) -> list[tuple[Organisation, bool]]:
    """Partner organisations, and whether this practitioner has already rated each."""
    done = set(
        SurveyAnswered.objects.filter(round=survey_round, practitioner=user).values_list(
            "partner_id", flat=True
        )
    )
    return [
        (org, org.pk in done)
        for org in Organisation.objects.exclude(pk=user.organisation_id).order_by("name")
    ]


def partner_organisation(*, user: Any, partner_id: Any) -> Organisation | None:
    """The organisation a partner survey answer rates (any partner but the rater's own)."""
    if not policy.may_answer_surveys(user):
        return None
    try:
        return (
            Organisation.objects.exclude(pk=user.organisation_id).filter(pk=int(partner_id)).first()
        )
    except (TypeError, ValueError):
        return None


# ----------------------------------------------------------------------------- prompts


def prompts_list(*, user: Any, show: Any = None) -> list[Prompt]:
    _manager(user, "insight.prompt")
    found = Prompt.objects.prefetch_related(
        Prefetch("discussions", queryset=PromptDiscussion.objects.select_related("recorded_by"))
    )
    if show != "all":
        found = found.filter(active=True)
    return list(found)


def prompt_get(*, user: Any, prompt_id: Any) -> Prompt:
    _manager(user, "insight.prompt", prompt_id)
    found = None
    try:
        found = (
            Prompt.objects.prefetch_related(
                Prefetch(
                    "discussions", queryset=PromptDiscussion.objects.select_related("recorded_by")
                )
            )
            .filter(pk=int(prompt_id))
            .first()
        )
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


def formula(metric: str) -> formulas.Formula | None:
    return formulas.METRICS.get(metric)


# ----------------------------------------------------------------------------- navigation


def navigation_items(user: Any) -> list[dict[str, str]]:
    """ "Partnership health" for managers; "Surveys" for a practitioner with a round to answer."""
    items = []
    if policy.may_view_partnership_health(user):
        items.append({"href": reverse("insight:overview"), "text": "Partnership health"})
    if policy.may_answer_surveys(user):
        today = timezone.localdate()
        answered = SurveyAnswered.objects.filter(round=OuterRef("pk"), practitioner=user)
        waiting = SurveyRound.objects.filter(
            status=RoundStatus.OPEN, opens_on__lte=today, closes_on__gte=today
        ).exclude(Exists(answered))
        if waiting.exists():
            items.append({"href": reverse("insight:surveys"), "text": "Surveys"})
    return items
