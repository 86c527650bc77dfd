"""Assessments and the chronology over JSON: the same services, selectors and policy as pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Router, Schema, Status

from joinedup.assessments import services as assessments
from joinedup.chronology import services as chronology
from joinedup.core.locking import version_field
from joinedup.web.http import AuthedRequest

router = Router(tags=["assessments and chronology"])


class FactorIn(Schema):
    strengths: str = ""
    needs: str = ""
    scale: int | None = None


class DomainIn(Schema):
    factors: dict[str, FactorIn]
    expected_version: int = version_field()


class CarerWordsIn(Schema):
    who: str
    words: str = ""


class ViewsIn(Schema):
    child_words: str = ""
    carers_words: list[CarerWordsIn] = []
    expected_version: int = version_field()


class AnalysisIn(Schema):
    analysis: str
    expected_version: int = version_field()


class VersionIn(Schema):
    expected_version: int = version_field()


class ShareIn(Schema):
    shared_how: str
    expected_version: int = version_field()


class AssessmentOut(Schema):
    id: int
    episode_id: int
    template: str
    template_version: int
    status: str
    factors: dict[str, Any]
    child_words: str
    carers_words: list[dict[str, Any]]
    analysis: str
    completed_by_id: int | None
    completed_at: datetime | None
    shared_at: datetime | None
    version: int


class EntryIn(Schema):
    kind: str
    occurred_on: date | None = None
    text: str


class EntryOut(Schema):
    id: int
    alerts: list[str]


class TimelineItemOut(Schema):
    on: date
    what: str
    who: str
    organisation: str
    recorded_by: str
    text: str


class AlertOut(Schema):
    id: int
    rule: str
    title: str
    person_id: int
    window_start: date
    window_end: date
    evidence: list[int]
    acknowledged_at: datetime | None


class ChronologyOut(Schema):
    episode_id: int
    items: list[TimelineItemOut]
    alerts: list[AlertOut]


def _out(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "episode_id": a.episode_id,
        "template": a.template.name,
        "template_version": a.template.version,
        "status": a.status,
        "factors": a.factors,
        "child_words": a.child_words,
        "carers_words": a.carers_words,
        "analysis": a.analysis,
        "completed_by_id": a.completed_by_id,
        "completed_at": a.completed_at,
        "shared_at": a.shared_at,
        "version": a.version,
    }


def _get(request: AuthedRequest, episode_id: int, assessment_id: int) -> Any:
    return assessments.assessment_get(
        user=request.user, episode_id=episode_id, assessment_id=assessment_id
    )


@router.get("/episodes/{episode_id}/assessments", response=list[AssessmentOut])
def list_assessments(request: AuthedRequest, episode_id: int) -> list[dict[str, Any]]:
    _, found = assessments.assessments_for_episode(user=request.user, episode_id=episode_id)
    return [_out(a) for a in found]


@router.post("/episodes/{episode_id}/assessments", response={201: AssessmentOut})
def start_assessment(request: AuthedRequest, episode_id: int) -> Any:
    episode, _ = assessments.assessments_for_episode(user=request.user, episode_id=episode_id)
    return Status(201, _out(assessments.assessment_start(actor=request.user, episode=episode)))


@router.get("/episodes/{episode_id}/assessments/{assessment_id}", response=AssessmentOut)
def get_assessment(request: AuthedRequest, episode_id: int, assessment_id: int) -> Any:
    return _out(_get(request, episode_id, assessment_id))


@router.put(
    "/episodes/{episode_id}/assessments/{assessment_id}/domains/{domain_code}",
    response=AssessmentOut,
    summary="Save one domain of a draft",
)
def save_domain(
    request: AuthedRequest, episode_id: int, assessment_id: int, domain_code: str, body: DomainIn
) -> Any:
    saved = assessments.assessment_save_domain(
        actor=request.user,
        assessment=_get(request, episode_id, assessment_id),
        domain_code=domain_code,
        factors={code: f.dict() for code, f in body.factors.items()},
        expected_version=body.expected_version,
    )
    return _out(saved)


@router.put("/episodes/{episode_id}/assessments/{assessment_id}/views", response=AssessmentOut)
def save_views(request: AuthedRequest, episode_id: int, assessment_id: int, body: ViewsIn) -> Any:
    saved = assessments.assessment_save_views(
        actor=request.user,
        assessment=_get(request, episode_id, assessment_id),
        child_words=body.child_words,
        carers_words=[c.dict() for c in body.carers_words],
        expected_version=body.expected_version,
    )
    return _out(saved)


@router.put("/episodes/{episode_id}/assessments/{assessment_id}/analysis", response=AssessmentOut)
def save_analysis(
    request: AuthedRequest, episode_id: int, assessment_id: int, body: AnalysisIn
) -> Any:
    saved = assessments.assessment_save_analysis(
        actor=request.user,
        assessment=_get(request, episode_id, assessment_id),
        analysis=body.analysis,
        expected_version=body.expected_version,
    )
    return _out(saved)


@router.post("/episodes/{episode_id}/assessments/{assessment_id}/complete", response=AssessmentOut)
def complete(request: AuthedRequest, episode_id: int, assessment_id: int, body: VersionIn) -> Any:
    done = assessments.assessment_complete(
        actor=request.user,
        assessment=_get(request, episode_id, assessment_id),
        expected_version=body.expected_version,
    )
    return _out(done)


@router.post("/episodes/{episode_id}/assessments/{assessment_id}/share", response=AssessmentOut)
def share(request: AuthedRequest, episode_id: int, assessment_id: int, body: ShareIn) -> Any:
    shared = assessments.assessment_share(
        actor=request.user,
        assessment=_get(request, episode_id, assessment_id),
        shared_how=body.shared_how,
        expected_version=body.expected_version,
    )
    return _out(shared)


@router.get("/episodes/{episode_id}/chronology", response=ChronologyOut)
def get_chronology(request: AuthedRequest, episode_id: int) -> dict[str, Any]:
    view = chronology.chronology_view(user=request.user, episode_id=episode_id)
    return {"episode_id": view.episode.pk, "items": view.items, "alerts": view.alerts}


@router.post("/people/{person_id}/chronology", response={201: EntryOut})
def record_entry(request: AuthedRequest, person_id: int, body: EntryIn) -> Any:
    person = chronology.person_for_recording(user=request.user, person_id=person_id)
    entry, alerts = chronology.chronology_entry_record(
        actor=request.user,
        person=person,
        kind=body.kind,
        occurred_on=body.occurred_on,
        text=body.text,
    )
    return Status(201, {"id": entry.pk, "alerts": [a.rule for a in alerts]})


@router.post(
    "/episodes/{episode_id}/chronology/alerts/{alert_id}/acknowledge",
    response=AlertOut,
    summary="The lead professional acknowledges a pattern alert",
)
def acknowledge_alert(request: AuthedRequest, episode_id: int, alert_id: int) -> Any:
    view = chronology.chronology_get(user=request.user, episode_id=episode_id)
    alert = chronology.pattern_alert_get(user=request.user, episode=view.episode, alert_id=alert_id)
    return chronology.pattern_alert_acknowledge(
        actor=request.user, alert=alert, episode=view.episode
    )
