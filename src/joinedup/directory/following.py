"""Following other publishers' Open Referral UK feeds: an administrator registers a feed (its
address, the publisher, how often); the worker imports each feed when it is due, incrementally
with modified_after, and records what happened to each record.

Safe with several workers, and if a worker is killed:
- a feed has at most one open run (a unique constraint), so it is never imported twice at once;
- the schedule moves a feed's `next_run_at` on with a compare-and-set update, so each
  occurrence is enqueued once;
- a run is read from the network first, then loaded in one transaction that starts by
  checking that this try still holds the run: a try cut short writes nothing, and the try that
  runs it again (the worker re-runs a dead worker's job) gives the same result;
- the publisher unreachable, the job fails and the worker tries it again with backoff, until
  its tries are spent; then the run is recorded as failed.
"""

from __future__ import annotations

import secrets
import urllib.parse
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.directory import feeds
from joinedup.directory.models import OPEN_FEED_RUN_STATUSES, Feed, FeedRun, FeedRunStatus
from joinedup.errors import ApplicationError, NotFound
from joinedup.sharing import policy

EVERY_HOURS = ((1, "Every hour"), (6, "Every 6 hours"), (24, "Every day"), (168, "Every week"))
# An open run nobody has touched for this long lost its worker with no tries left.
STALE_RUN = timedelta(hours=6)


# --- Administrators' writes ---------------------------------------------------------------


def _check(url: str, publisher: str, every_hours: int | None) -> tuple[str, str]:
    url, publisher = (url or "").strip(), (publisher or "").strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise ApplicationError(
            "Enter the feed's web address, starting https:// (for example "
            "https://services.example.org/oruk).",
            field="url",
        )
    if not publisher or len(publisher) > 200:
        raise ApplicationError("Enter the publisher's name.", field="publisher")
    if every_hours is not None and every_hours not in dict(EVERY_HOURS):
        raise ApplicationError("Choose how often to import it.", field="every_hours")
    return url, publisher


@transaction.atomic
def feed_register(*, actor: Any, url: str, publisher: str, every_hours: int | None) -> Feed:
    """Follow a feed; a feed imported before by hand keeps its watermark."""
    policy.require_feed_administrator(actor, "new")
    url, publisher = _check(url, publisher, every_hours)
    feed = Feed.objects.select_for_update().filter(url=url).first()
    if feed is not None and feed.followed:
        raise ApplicationError("This feed is already followed.", field="url")
    feed = feed or Feed(url=url)
    feed.publisher, feed.every_hours, feed.registered_by = publisher, every_hours, actor
    feed.next_run_at = timezone.now() if every_hours is not None else None
    feed.save()
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=feed,
        purpose="directory",
        detail={"url": url, "every_hours": every_hours},
    )
    return feed


@transaction.atomic
def feed_change(*, actor: Any, feed_id: Any, publisher: str, every_hours: int | None) -> Feed:
    """Rename the publisher, import more or less often, or stop following (every_hours None)."""
    feed = feed_get(user=actor, feed_id=feed_id)
    _, publisher = _check(feed.url, publisher, every_hours)
    feed = Feed.objects.select_for_update().get(pk=feed.pk)
    if every_hours != feed.every_hours:
        feed.next_run_at = timezone.now() if every_hours is not None else None
    feed.publisher, feed.every_hours = publisher, every_hours
    feed.save()
    audit.record(
        actor=actor,
        action=Action.UPDATE,
        obj=feed,
        purpose="directory",
        detail={"every_hours": every_hours},
    )
    return feed


def feed_import_now(*, actor: Any, feed_id: Any) -> FeedRun:
    """Ask the worker to import the feed now (once: not while a run is open)."""
    feed = feed_get(user=actor, feed_id=feed_id)
    try:
        with transaction.atomic():
            run = _run_start(feed, asked_by=actor)
            audit.record(actor=actor, action=Action.CREATE, obj=run, purpose="directory")
            _enqueue(run)
    except IntegrityError:  # another run of this feed is open
        raise ApplicationError(
            "This feed is being imported now: wait for that import to finish.", field=None
        ) from None
    run.refresh_from_db()
    return run


# --- Reads for the administrator's pages ----------------------------------------------------


def feeds_list(*, user: Any) -> QuerySet[Feed]:
    policy.require_feed_administrator(user, "list")
    return Feed.objects.select_related("registered_by")


def feed_get(*, user: Any, feed_id: Any) -> Feed:
    """Security: anyone but an administrator is refused (audited) as if it were missing."""
    policy.require_feed_administrator(user, feed_id)
    try:
        found = Feed.objects.filter(pk=int(feed_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound()
    return found


def feed_runs(*, feed: Feed, limit: int = 20) -> list[FeedRun]:
    return list(feed.runs.select_related("asked_by")[:limit])


# --- The worker -----------------------------------------------------------------------------


def _run_start(feed: Feed, *, asked_by: Any = None) -> FeedRun:
    """A new open run (IntegrityError when the feed has one already)."""
    with transaction.atomic():  # a savepoint: the refused insert leaves the caller's work
        return FeedRun.objects.create(
            feed=feed, asked_by=asked_by, modified_after=feed.last_modified_seen
        )


def _enqueue(run: FeedRun) -> None:
    from joinedup.jobs import tasks

    tasks.directory_feed_import.enqueue(run_id=run.pk)


def _close_stale(feed: Feed, now: datetime) -> None:
    stale = FeedRun.objects.filter(
        feed=feed, status__in=OPEN_FEED_RUN_STATUSES, updated_at__lt=now - STALE_RUN
    )
    for run in stale:
        _fail(run, run.claim, "The import stopped without finishing and had no tries left.")


def feeds_due_enqueue(now: datetime | None = None) -> list[int]:
    """Start a run of every followed feed that is due (from the worker's schedule). Returns the
    runs started."""
    now = now or timezone.now()
    started = []
    due = Feed.objects.filter(every_hours__isnull=False, next_run_at__lte=now)
    for feed in due:
        _close_stale(feed, now)
        with transaction.atomic():
            claimed = Feed.objects.filter(pk=feed.pk, next_run_at=feed.next_run_at).update(
                next_run_at=now + timedelta(hours=feed.every_hours or 24)
            )
            if not claimed:
                continue  # another worker took this occurrence
            try:
                run = _run_start(feed)
            except IntegrityError:
                continue  # the last run is still open: never the same feed twice at once
            _enqueue(run)
            started.append(run.pk)
    return started


def _claim(run_id: int) -> str | None:
    """This try holds the run now (a new token); None when the run is already finished."""
    token = secrets.token_hex(16)
    held = FeedRun.objects.filter(pk=run_id, status__in=OPEN_FEED_RUN_STATUSES).update(
        status=FeedRunStatus.RUNNING,
        claim=token,
        started_at=timezone.now(),
        updated_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    return token if held else None


def run_execute(*, run_id: int, tries: int) -> None:
    """One try of one run (the job). Raises FeedUnreachable while tries are left, so the
    worker tries again later with backoff."""
    token = _claim(run_id)
    if token is None:
        return  # finished before: nothing to do again
    run = FeedRun.objects.select_related("feed").get(pk=run_id)
    since, started = run.feed.last_modified_seen, timezone.now()
    try:
        records = feeds.read_records(run.feed.url, since)
    except feeds.FeedUnreachable as error:
        if run.attempts < tries:
            _retry_later(run, token, error.message)
            raise
        _fail(run, token, f"{error.message} (after {run.attempts} tries)")
        return
    except ApplicationError as error:  # not a page of services: trying again will not help
        _fail(run, token, error.message)
        return
    _load(run, token, records, since, started)


@transaction.atomic
def _load(run: FeedRun, token: str, records: list[Any], since: Any, started: datetime) -> None:
    # Security: the first write checks this try still holds the run; a try the worker gave up
    # on (and another took over) writes nothing.
    now = timezone.now()
    held = FeedRun.objects.filter(pk=run.pk, claim=token, status=FeedRunStatus.RUNNING).update(
        status=FeedRunStatus.SUCCEEDED, finished_at=now, updated_at=now
    )
    if not held:
        return
    report = feeds.feed_load(feed=run.feed, records=records, since=since, started=started)
    run.status, run.finished_at, run.modified_after = FeedRunStatus.SUCCEEDED, now, since
    run.added_ids, run.updated_ids = report.created_ids, report.updated_ids
    run.unchanged, run.error = report.unchanged, ""
    run.refused = [{"id": i, "field": f, "message": m} for i, f, m in report.refused]
    run.save()
    _result(run.feed, now, summary(run))


def _retry_later(run: FeedRun, token: str, error: str) -> None:
    FeedRun.objects.filter(pk=run.pk, claim=token).update(
        status=FeedRunStatus.RETRYING, error=error, updated_at=timezone.now()
    )


def _fail(run: FeedRun, token: str, error: str) -> None:
    with transaction.atomic():
        now = timezone.now()
        failed = FeedRun.objects.filter(
            pk=run.pk, claim=token, status__in=OPEN_FEED_RUN_STATUSES
        ).update(status=FeedRunStatus.FAILED, error=error, finished_at=now, updated_at=now)
        if failed:
            _result(run.feed, now, f"Failed: {error}"[:300])


def _result(feed: Feed, at: datetime, text: str) -> None:
    Feed.objects.filter(pk=feed.pk).update(last_result=text[:300], last_result_at=at)


def summary(run: FeedRun) -> str:
    """What a finished run did, in a line."""
    if run.status == FeedRunStatus.FAILED:
        return f"Failed: {run.error}"
    if run.status != FeedRunStatus.SUCCEEDED:
        return run.get_status_display()
    return (
        f"{len(run.added_ids)} added, {len(run.updated_ids)} updated, "
        f"{run.unchanged} unchanged, {len(run.refused)} refused"
    )
