"""Linkage runs as agency data leads and administrators start and watch them (pages and API)."""

from __future__ import annotations

from typing import Any

from joinedup.errors import ApplicationError
from joinedup.identity import conf, linking, review
from joinedup.identity.models import LinkageRun
from joinedup.sharing import policy


def may_run(user: Any) -> bool:
    """Agency data leads and administrators: the people who look after identity."""
    return review.may_review(user)


def _thresholds(automatic: float | None, review_at: float | None) -> conf.Thresholds:
    configured = conf.linkage_settings().thresholds
    chosen = conf.Thresholds(
        configured.automatic if automatic is None else automatic,
        configured.review if review_at is None else review_at,
    )
    try:
        chosen.check("automatic threshold", "review threshold")
    except ValueError as error:
        field = "review" if str(error).startswith("review") else "automatic"
        raise ApplicationError(f"The {error}.", field=field) from None
    return chosen


def run_start_for(
    *, user: Any, trigger: str, automatic: float | None = None, review: float | None = None
) -> LinkageRun:
    """Start a run in the background. Security: anyone else is refused (audited) as a 404."""
    if not may_run(user):
        raise policy.refuse(user, object_type="identity.linkagerun", object_id="new")
    run = linking.run_start(actor=user, trigger=trigger, thresholds=_thresholds(automatic, review))
    from joinedup.jobs import tasks

    tasks.linkage_run.enqueue(run_id=run.pk)
    run.refresh_from_db()
    return run


def run_get(*, user: Any, run_id: Any) -> LinkageRun:
    """One run's progress and outcome: counts only, no one's details."""
    found = None
    if may_run(user) and str(run_id).isdigit():
        found = LinkageRun.objects.filter(pk=int(run_id)).first()
    if found is None:
        raise policy.refuse(user, object_type="identity.linkagerun", object_id=run_id)
    return found


def runs_recent(*, user: Any, limit: int = 10) -> list[LinkageRun]:
    if not may_run(user):
        return []
    return list(LinkageRun.objects.order_by("-started_at", "-pk")[:limit])
