"""The outcomes API: thin, over the same selectors, services and policy as the pages."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Schema, Status

from joinedup.errors import ApplicationError
from joinedup.outcomes import dashboard, distance, selectors, services
from joinedup.outcomes.models import Voice
from joinedup.outcomes.schemas import (
    CheckOut,
    DashboardOut,
    EpisodeDistanceOut,
    FamilyMeasurementIn,
    MeasurementIn,
    MeasurementOut,
    NeedIn,
    OutcomeIdOut,
    SuccessfulOut,
)
from joinedup.sharing import policy
from joinedup.web.http import AuthedRequest

router = Router(tags=["outcomes"])


def _distance(dist: distance.Distance) -> dict[str, Any]:
    return {
        "first": dist.first,
        "first_on": dist.first_on,
        "latest": dist.latest,
        "latest_on": dist.latest_on,
        "change": dist.change,
        "count": dist.count,
    }


def _episode_distance(view: selectors.OutcomesView) -> dict[str, Any]:
    return {
        "episode_id": view.episode.pk,
        "reference": view.episode.reference,
        "team_change": view.team_change,
        "family_change": view.family_change,
        "outcomes": [
            {
                "outcome_id": r.outcome.pk,
                "text": r.outcome.text,
                "headlines": r.headlines,
                "team": _distance(r.team),
                "family": [{"name": n, "distance": _distance(x)} for n, x in r.family.items()],
            }
            for r in view.rows
        ],
    }


def _check(result: distance.Check) -> dict[str, Any]:
    return {
        "reference": result.reference,
        "met": result.met,
        "parts": [vars(p) for p in result.parts],
        "missing": [p.code for p in result.missing],
        "needs": [
            {
                "headline": n.headline,
                "name": n.name,
                "met": n.met,
                "sustained": n.sustained,
                "detail": n.detail,
                "relapse": n.relapse,
            }
            for n in result.needs
        ],
    }


@router.get("/episodes/{episode_id}/outcome-measurements", response=list[MeasurementOut])
def measurements_list(request: AuthedRequest, episode_id: int) -> list[Any]:
    view = selectors.episode_outcomes(user=request.user, episode_id=episode_id)
    return [m for r in view.rows for m in r.measurements]


@router.post("/episodes/{episode_id}/outcome-measurements", response={201: list[OutcomeIdOut]})
def measurement_add(request: AuthedRequest, episode_id: int, payload: MeasurementIn) -> Status:
    made = services.measurements_record(
        actor=request.user,
        episode_id=episode_id,
        scores=[services.Score(payload.outcome_id, payload.score, payload.note)],
        measured_on=payload.measured_on,
        voice=payload.voice,
        person_id=payload.person_id,
        meeting_id=payload.meeting_id,
    )
    return Status(201, [{"id": m.pk} for m in made])


@router.get("/episodes/{episode_id}/distance-travelled", response=EpisodeDistanceOut)
def distance_travelled(request: AuthedRequest, episode_id: int) -> dict[str, Any]:
    return _episode_distance(selectors.episode_outcomes(user=request.user, episode_id=episode_id))


@router.post("/episodes/{episode_id}/needs", response={201: OutcomeIdOut})
def need_add(request: AuthedRequest, episode_id: int, payload: NeedIn) -> Status:
    need = services.need_record(
        actor=request.user,
        episode_id=episode_id,
        headline_id=payload.headline_id,
        outcome_ids=payload.outcome_ids,
        identified_on=payload.identified_on,
        note=payload.note,
        assessment_id=payload.assessment_id,
    )
    return Status(201, {"id": need.pk})


@router.get("/episodes/{episode_id}/outcome-check", response=CheckOut)
def outcome_check(request: AuthedRequest, episode_id: int) -> dict[str, Any]:
    return _check(selectors.outcome_check(user=request.user, episode_id=episode_id))


@router.get("/family/episodes/{episode_id}/distance-travelled", response=EpisodeDistanceOut)
def family_distance(request: AuthedRequest, episode_id: int) -> dict[str, Any]:
    return _episode_distance(selectors.family_outcomes(user=request.user, episode_id=episode_id))


@router.post("/family/episodes/{episode_id}/outcome-measurements", response={201: OutcomeIdOut})
def family_measurement_add(
    request: AuthedRequest, episode_id: int, payload: FamilyMeasurementIn
) -> Status:
    # Security: the episode is checked first, so a stranger learns nothing from the body's checks.
    policy.require_family_episode(request.user, episode_id, purpose="outcomes")
    account = policy.family_account(request.user)
    if payload.voice not in (None, Voice.FAMILY):
        raise ApplicationError("You can record only your own view.", field="voice")
    if payload.person_id is not None and (
        account is None or payload.person_id != account.person_id
    ):
        raise ApplicationError("You can record only your own view.", field="person_id")
    made = services.family_measurement_record(
        actor=request.user,
        episode_id=episode_id,
        score=services.Score(payload.outcome_id, payload.score, payload.note),
        picture_scale=payload.picture_scale,
    )
    return Status(201, {"id": made.pk})


@router.get("/outcomes/successful-families", response=SuccessfulOut)
def successful_families(request: AuthedRequest) -> dict[str, Any]:
    lists = selectors.rule_lists(user=request.user)
    return {
        "checked": lists.checked,
        "met": [_check(c) for c in lists.met],
        "close": [_check(c) for c in lists.close],
    }


class DashboardQuery(Schema):
    period: str = dashboard.DEFAULT_PERIOD
    locality: str = ""
    need: str = ""


@router.get("/outcomes/dashboard", response=DashboardOut)
def dashboard_figures(request: AuthedRequest, filters: Query[DashboardQuery]) -> dict[str, Any]:
    view = dashboard.dashboard(user=request.user, params=filters.dict())
    return {
        "built_at": view.build.built_at.isoformat() if view.build else None,
        "period": view.period,
        "locality": view.locality,
        "need": view.need,
        "figures": [
            {
                "code": f.figure.code,
                "title": f.figure.title,
                "formula": f.figure.formula,
                "headline": f.headline,
                "rows": [vars(r) for r in f.rows],
            }
            for f in view.figures
        ],
    }
