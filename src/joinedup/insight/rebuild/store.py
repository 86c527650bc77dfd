"""Storing a build's results in one transaction."""

from __future__ import annotations

from typing import Any

from joinedup.core.bulk import insert_rows
from joinedup.insight.models import (
    ContinuumResult,
    InsightBuild,
    NetworkNode,
    NetworkResult,
    Prompt,
    SurveyResult,
    SurveyTrend,
    VoiceResult,
)
from joinedup.insight.rebuild.common import Computed


def store(build: InsightBuild, computed: Computed) -> dict[str, int]:
    """Write every result for the build (inside the caller's transaction)."""
    fields = [f.name for f in NetworkNode._meta.concrete_fields if not f.primary_key]
    defaults = {f.name: f.get_default() for f in NetworkNode._meta.concrete_fields}
    rows: list[list[Any]] = []
    for result_fields, node_rows in computed.networks:
        result = NetworkResult.objects.create(build=build, **result_fields)
        defaults["result"] = result.pk
        rows += [[row.get(name, defaults[name]) for name in fields] for row in node_rows]
    nodes = insert_rows(NetworkNode, fields, rows)  # sixty thousand rows at a million people
    VoiceResult.objects.bulk_create(VoiceResult(build=build, **v) for v in computed.voices)
    ContinuumResult.objects.bulk_create(
        ContinuumResult(build=build, **c) for c in computed.continua
    )
    SurveyResult.objects.bulk_create(SurveyResult(build=build, **s) for s in computed.surveys)
    SurveyTrend.objects.bulk_create(SurveyTrend(build=build, **t) for t in computed.trends)
    _store_prompts(build, computed.prompts)
    return {
        "network_results": len(computed.networks),
        "network_nodes": nodes,
        "prompts": len(computed.prompts),
    }


def _store_prompts(build: InsightBuild, rows: list[dict[str, Any]]) -> None:
    """Prompts keep their identity (and what was discussed) across rebuilds."""
    seen = {row["fingerprint"]: row for row in rows}
    existing = {p.fingerprint: p for p in Prompt.objects.filter(fingerprint__in=list(seen))}
    for fingerprint, row in seen.items():
        prompt = existing.get(fingerprint)
        if prompt is None:
            Prompt.objects.create(**row, active=True, first_seen=build, last_seen=build)
            continue
        for name, value in row.items():
            setattr(prompt, name, value)
        prompt.active, prompt.last_seen = True, build
        prompt.save()
    Prompt.objects.exclude(fingerprint__in=list(seen)).update(active=False)
