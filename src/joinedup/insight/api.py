"""Partnership health over JSON: the stored results, surveys and prompts, through the same
selectors, services and policy as the pages (a non-manager gets the same 404 as a missing page).
"""

from __future__ import annotations

from typing import Any

from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from joinedup.errors import ApplicationError, NotFound
from joinedup.insight import selectors, services
from joinedup.insight.models import InsightBuild, Prompt, SurveyInstrument, SurveyRound
from joinedup.insight.schemas import (
    AnsweredOut,
    AnswersIn,
    BuildOut,
    ContinuumOut,
    DiscussedIn,
    InstrumentOut,
    NetworkOut,
    OpenRoundOut,
    PromptOut,
    RemindedOut,
    RoundIn,
    RoundOut,
    RoundResultsOut,
    VoiceOut,
)
from joinedup.web.http import AuthedRequest

router = Router(tags=["partnership health"])
PAGE_SIZE = 500
TIES_LISTED = 500


def _no_results() -> NotFound:
    return NotFound()


@router.post(
    "/partnership-health/rebuilds",
    response={202: BuildOut},
    summary="Start rebuilding every result (returns the running rebuild if there is one)",
)
def rebuild_start(request: AuthedRequest) -> Status:
    return Status(202, services.build_start(actor=request.user))


@router.get(
    "/partnership-health/rebuilds/{build_id}", response=BuildOut, summary="A rebuild's progress"
)
def rebuild_get(request: AuthedRequest, build_id: int) -> InsightBuild:
    return selectors.build_get(user=request.user, build_id=build_id)


@router.get(
    "/partnership-health/network",
    response=NetworkOut,
    summary="The ecosystem network: figures, nodes (paged, strongest first) and strongest ties",
)
def network(
    request: AuthedRequest,
    period: int = 365,
    nodes: str = "organisation",
    locality: str = "",
    page: int = 1,
) -> dict[str, Any]:
    view = selectors.network_view(user=request.user, period=period, nodes=nodes, locality=locality)
    result = view.result
    if result is None or view.build is None:
        raise _no_results()
    page = max(1, page)
    rows = selectors.network_nodes(user=request.user, result=result)
    return {
        "build_id": view.build.pk,
        "period_days": result.period_days,
        "period_start": result.period_start,
        "period_end": result.period_end,
        "nodes_are": result.nodes_are,
        "locality": result.locality,
        "localities": view.localities,
        "summary": result.summary,
        "nodes": list(rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]),
        "nodes_total": view.nodes_total,
        "page": page,
        "ties": result.ties[:TIES_LISTED],
        "ties_total": result.ties_total,
    }


@router.get("/partnership-health/voice", response=VoiceOut, summary="Balance of voice")
def voice(request: AuthedRequest, period: int = 365, by: str = "profession") -> dict[str, Any]:
    build, result, _, _ = selectors.voice_view(user=request.user, period=period, by=by)
    if result is None or build is None:
        raise _no_results()
    payload = result.payload
    return {
        "build_id": build.pk,
        "period_days": result.period_days,
        "period_start": result.period_start,
        "period_end": result.period_end,
        "group_by": result.group_by,
        "groups": payload["groups"],
        "concentration": payload["concentration"],
        "flagged": payload["flagged"],
    }


@router.get(
    "/partnership-health/continuum", response=ContinuumOut, summary="The integration continuum"
)
def continuum(request: AuthedRequest, period: int = 365) -> dict[str, Any]:
    build, result, _ = selectors.continuum_view(user=request.user, period=period)
    if result is None or build is None:
        raise _no_results()
    payload = result.payload
    return {
        "build_id": build.pk,
        "period_days": result.period_days,
        "period_start": result.period_start,
        "period_end": result.period_end,
        "teams": payload["teams"],
        "pair_stages": payload["pair_stages"],
        "pairs": payload["pairs"],
        "pairs_total": payload["pairs_total"],
    }


def _prompt_out(prompt: Prompt) -> dict[str, Any]:
    return {
        "id": prompt.pk,
        "kind": prompt.kind,
        "title": prompt.title,
        "text": prompt.text,
        "metric": prompt.metric,
        "evidence": prompt.evidence,
        "link": prompt.link,
        "active": prompt.active,
        "discussions": [
            {
                "action_agreed": d.action_agreed,
                "discussed_on": d.discussed_on,
                "recorded_by": d.recorded_by.get_full_name(),
                "recorded_at": d.recorded_at,
            }
            for d in prompt.discussions.all()
        ],
    }


@router.get(
    "/partnership-health/prompts", response=list[PromptOut], summary="Prompts for conversations"
)
def prompts(request: AuthedRequest, show: str = "current") -> list[dict[str, Any]]:
    return [_prompt_out(p) for p in selectors.prompts_list(user=request.user, show=show)]


@router.post(
    "/partnership-health/prompts/{prompt_id}/discussed",
    response={201: PromptOut},
    summary="Mark a prompt as discussed, with the action agreed",
)
def prompt_discussed(request: AuthedRequest, prompt_id: int, body: DiscussedIn) -> Status:
    prompt = selectors.prompt_get(user=request.user, prompt_id=prompt_id)
    services.prompt_discuss(
        actor=request.user,
        prompt=prompt,
        action_agreed=body.action_agreed,
        discussed_on=body.discussed_on,
    )
    return Status(201, _prompt_out(selectors.prompt_get(user=request.user, prompt_id=prompt_id)))


# ----------------------------------------------------------------------------- surveys (managers)


def _round_out(survey_round: SurveyRound) -> dict[str, Any]:
    return {
        "id": survey_round.pk,
        "name": survey_round.name,
        "slug": survey_round.slug,
        "instrument": survey_round.instrument.key,
        "opens_on": survey_round.opens_on,
        "closes_on": survey_round.closes_on,
        "status": survey_round.status,
        "people_answered": getattr(survey_round, "people_answered", 0),
        "reminders_sent": survey_round.reminders_sent,
    }


@router.get(
    "/partnership-health/surveys/instruments",
    response=list[InstrumentOut],
    summary="Survey instruments that rounds can use",
)
def instruments(request: AuthedRequest) -> list[SurveyInstrument]:
    return selectors.instruments_for_manager(user=request.user)


@router.post(
    "/partnership-health/surveys/instruments",
    response={201: InstrumentOut},
    summary="Load an instrument file (TOML); a refused file names the line at fault",
)
def instrument_load(
    request: AuthedRequest, file: File[UploadedFile], licence_confirmed: Form[bool] = False
) -> Status:
    loaded = services.instrument_load(
        actor=request.user, source=file.read(), licence_confirmed=licence_confirmed
    )
    return Status(201, loaded)


@router.get("/partnership-health/surveys/rounds", response=list[RoundOut], summary="Survey rounds")
def rounds(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_round_out(r) for r in selectors.rounds_for_manager(user=request.user)]


@router.post(
    "/partnership-health/surveys/rounds", response={201: RoundOut}, summary="Set up a round"
)
def round_create(request: AuthedRequest, body: RoundIn) -> Status:
    found = {i.key: i for i in selectors.instruments_for_manager(user=request.user)}
    instrument = found.get(body.instrument)
    if instrument is None:
        raise ApplicationError(f"Unknown instrument: {body.instrument}.", field="instrument")
    created = services.round_create(
        actor=request.user,
        instrument=instrument,
        name=body.name,
        opens_on=body.opens_on,
        closes_on=body.closes_on,
    )
    return Status(201, _round_out(selectors.round_get(user=request.user, round_id=created.pk)))


@router.get(
    "/partnership-health/surveys/rounds/{round_id}",
    response=RoundResultsOut,
    summary="A round and its stored results: by=all, organisation or sector",
)
def round_get(request: AuthedRequest, round_id: int, by: str = "all") -> dict[str, Any]:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    results = selectors.round_results(user=request.user, survey_round=survey_round, by=by)
    return {
        "round": _round_out(survey_round),
        "build_id": results.build.pk if results.build else None,
        "group_by": results.group_by,
        "results": results.result.payload if results.result else None,
        "trend": results.trend.payload if results.trend else None,
    }


@router.post(
    "/partnership-health/surveys/rounds/{round_id}/open",
    response=RoundOut,
    summary="Open a round and invite every practitioner",
)
def round_open(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    services.round_open(actor=request.user, survey_round=survey_round)
    return _round_out(selectors.round_get(user=request.user, round_id=round_id))


@router.post(
    "/partnership-health/surveys/rounds/{round_id}/close",
    response=RoundOut,
    summary="Close a round and start a rebuild for its results",
)
def round_close(request: AuthedRequest, round_id: int) -> dict[str, Any]:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    services.round_close(actor=request.user, survey_round=survey_round)
    services.build_start(actor=request.user)
    return _round_out(selectors.round_get(user=request.user, round_id=round_id))


@router.post(
    "/partnership-health/surveys/rounds/{round_id}/reminders",
    response=RemindedOut,
    summary="Remind practitioners who have not answered",
)
def round_remind(request: AuthedRequest, round_id: int) -> dict[str, int]:
    survey_round = selectors.round_get(user=request.user, round_id=round_id)
    return {"reminded": services.round_remind(actor=request.user, survey_round=survey_round)}


# ----------------------------------------------------------------------------- answering


def _open_round_out(survey_round: SurveyRound, answered: bool) -> dict[str, Any]:
    instrument = services.instrument_parse(survey_round.instrument)
    return {
        "name": survey_round.name,
        "slug": survey_round.slug,
        "title": instrument.title,
        "kind": instrument.kind,
        "closes_on": survey_round.closes_on,
        "answered": answered,
        "items": [
            {
                "id": item.id,
                "text": item.text,
                "theme": item.theme,
                "scale": [
                    {"value": p.value, "label": p.label}
                    for p in instrument.scales[item.scale].points
                ],
            }
            for item in instrument.items
        ],
    }


@router.get("/surveys", response=list[OpenRoundOut], summary="Survey rounds open for my answers")
def open_rounds(request: AuthedRequest) -> list[dict[str, Any]]:
    return [_open_round_out(r, done) for r, done in selectors.open_rounds_for(user=request.user)]


@router.get("/surveys/{slug}", response=OpenRoundOut, summary="An open round and its questions")
def open_round(request: AuthedRequest, slug: str) -> dict[str, Any]:
    survey_round = selectors.answerable_round_get(user=request.user, slug=slug)
    answered = any(
        done for r, done in selectors.open_rounds_for(user=request.user) if r.pk == survey_round.pk
    )
    return _open_round_out(survey_round, answered)


@router.post(
    "/surveys/{slug}/responses",
    response={201: AnsweredOut},
    summary="Answer an open round, anonymously (once; once per partner in a partner survey)",
)
def answer(request: AuthedRequest, slug: str, body: AnswersIn) -> Status:
    survey_round = selectors.answerable_round_get(user=request.user, slug=slug)
    partner = None
    if body.partner_id is not None:
        partner = selectors.partner_organisation(user=request.user, partner_id=body.partner_id)
        if partner is None:
            raise ApplicationError("Choose a partner organisation.", field="partner_id")
    services.response_submit(
        actor=request.user, survey_round=survey_round, answers=body.answers, partner=partner
    )
    return Status(201, {"message": "Thank you: your answers are saved, anonymously."})
