"""Running a rebuild: read, compute every step, store, keep the last few builds."""

from __future__ import annotations

import time

from django.db import transaction
from django.utils import timezone

from joinedup.insight import network as net
from joinedup.insight.models import (
    BuildStatus,
    InsightBuild,
    NodeKind,
)
from joinedup.insight.reading import Casework, read_casework
from joinedup.insight.rebuild.common import GROUPINGS, PERIODS, Computed, Progress, _rows
from joinedup.insight.rebuild.continuum import _continuum_result
from joinedup.insight.rebuild.networks import _network_results
from joinedup.insight.rebuild.prompts import _prompts
from joinedup.insight.rebuild.store import store
from joinedup.insight.rebuild.surveys import _latest_pair_ratings, _read_surveys, _survey_results
from joinedup.insight.rebuild.voice import _voice_result

BUILDS_KEPT = 5


# Reading, three kinds of node per period, voice and continuum per period, surveys, prompts, save.
STEPS = 1 + 3 * len(PERIODS) + len(PERIODS) + 2 + 1


def build_run(*, build_id: int) -> None:
    """Run one rebuild, recording progress on the build; a failure is recorded, then raised."""
    began = time.perf_counter()
    build = InsightBuild.objects.get(pk=build_id)
    done = 0

    def progress(stage: str) -> None:
        nonlocal done
        done += 1
        InsightBuild.objects.filter(pk=build_id).update(step=min(done, STEPS), stage=stage)

    try:
        progress("Reading casework")
        casework = read_casework(as_of=build.as_of)
        read_seconds = time.perf_counter() - began
        computed = compute(casework, progress=progress)
        progress("Saving the results")
        stored_began = time.perf_counter()
        with transaction.atomic():
            counts = store(build, computed)
            figures = {
                **computed.figures,
                **counts,
                "queries_reading_casework": casework.queries,
                "read_seconds": round(read_seconds, 2),
                "store_seconds": round(time.perf_counter() - stored_began, 2),
                "seconds": round(time.perf_counter() - began, 2),
            }
            InsightBuild.objects.filter(pk=build_id).update(
                status=BuildStatus.DONE,
                finished_at=timezone.now(),
                step=STEPS,
                stage="Done",
                figures=figures,
            )
            _forget_old_builds()
    except Exception as error:
        InsightBuild.objects.filter(pk=build_id).update(
            status=BuildStatus.FAILED,
            finished_at=timezone.now(),
            message=f"{type(error).__name__}: {error}"[:2000],
        )
        raise


def _forget_old_builds() -> None:
    keep = list(
        InsightBuild.objects.filter(status=BuildStatus.DONE).values_list("pk", flat=True)[
            :BUILDS_KEPT
        ]
    )
    InsightBuild.objects.exclude(pk__in=keep).exclude(status=BuildStatus.RUNNING).delete()


def compute(casework: Casework, *, progress: Progress = lambda stage: None) -> Computed:
    """Every partnership-health figure, as rows ready to store."""
    out = Computed()
    as_of = casework.as_of
    org_networks: dict[int, tuple[net.EcosystemNetwork, net.NetworkMetrics]] = {}
    rows = {kind: _rows(casework, kind) for kind in NodeKind.values}
    for days in PERIODS:
        period = net.Period.ending(as_of, days)
        for kind in NodeKind.values:
            progress(f"Network of {NodeKind(kind).label.lower()}, {days} days")
            network, metrics = _network_results(out, casework, rows[kind], kind, days, period)
            if kind == NodeKind.ORGANISATION:
                org_networks[days] = (network, metrics)
    survey_data = _read_surveys()
    ratings = _latest_pair_ratings(survey_data)
    for days in PERIODS:
        progress(f"Balance of voice and the continuum, {days} days")
        period = net.Period.ending(as_of, days)
        for group_by in GROUPINGS:
            out.voices.append(_voice_result(casework, period, days, group_by))
        out.continua.append(_continuum_result(casework, org_networks[days][0], period, ratings))
    progress("Survey results")
    survey_prompts = _survey_results(out, survey_data)
    progress("Prompts for conversations")
    out.prompts = _prompts(casework, rows, org_networks, survey_prompts, ratings)
    out.figures = {
        "organisations": len(casework.organisations),
        "involvements_read": len(casework.involvements),
        "team_members_read": len(casework.members),
        "meetings_read": len(casework.meetings),
        "requests_read": len(casework.requests),
        "survey_responses_read": sum(len(r.responses) for r in survey_data),
    }
    return out
