"""The background jobs. Each is safe to run again: a worker killed mid-job leaves its job to
another worker, which must not write anything twice."""

from __future__ import annotations

from datetime import timedelta

from joinedup.jobs.models import StoredUpload
from joinedup.jobs.queue import Retry, job

# Long jobs that record their own failures: one retry covers a worker lost mid-job.
LONG = Retry(max_attempts=3, first_delay=timedelta(seconds=30))


@job(retry=LONG)
def import_records(*, job_id: int, upload_id: int) -> None:
    """Load an agency's uploaded file. Loading again updates rather than duplicates, so a load
    cut short by a lost worker is simply run again from the start."""
    from joinedup.identity import services
    from joinedup.identity.models import ImportJob

    upload = StoredUpload.objects.filter(pk=upload_id).first()
    if upload is None or ImportJob.objects.filter(pk=job_id).exclude(status="running").exists():
        return  # finished before its worker was lost: nothing to do again
    services.import_job_run(job_id=job_id, path=upload.name, data=bytes(upload.data))
    StoredUpload.objects.filter(pk=upload_id).delete()


@job(retry=LONG)
def linkage_run(*, run_id: int) -> None:
    from joinedup.identity import linking

    linking.linkage_job_run(run_id=run_id)


@job(retry=LONG)
def insight_rebuild(*, build_id: int) -> None:
    from joinedup.insight import rebuild
    from joinedup.insight.models import BuildStatus, InsightBuild

    if InsightBuild.objects.filter(pk=build_id, status=BuildStatus.DONE).exists():
        return
    rebuild.build_run(build_id=build_id)


@job(retry=LONG)
def insight_rebuild_nightly() -> None:
    """The nightly partnership-health rebuild, started by the worker's schedule."""
    from joinedup.insight import services

    services.build_start(actor=None)


@job(retry=LONG)
def outcomes_rebuild_nightly() -> int:
    """The nightly rebuild of the partnership dashboard's stored figures; returns the cells."""
    from joinedup.outcomes import dashboard

    return dashboard.rebuild().cells


@job()
def retention_due_list() -> int:
    """Tell the data protection officers each morning how many records are past their period."""
    from joinedup.jobs import scheduled

    return scheduled.retention_due_tell()


@job(retry=Retry(max_attempts=1))
def webhook_deliver(*, delivery_id: int) -> None:
    """One try of one webhook delivery; the delivery keeps its own retries and backoff."""
    from joinedup.integrations import webhooks

    webhooks.delivery_attempt(delivery_id=delivery_id)


@job()
def webhook_retries() -> int:
    """Deliveries whose next try is due (every minute, from the worker's schedule)."""
    from joinedup.integrations import webhooks

    return webhooks.deliveries_due_enqueue()


# The publisher's server may be down for a while: five tries, 1, 2, 4 and 8 minutes apart.
FEED_RETRY = Retry(max_attempts=5, first_delay=timedelta(minutes=1))


@job(retry=FEED_RETRY)
def directory_feed_import(*, run_id: int) -> None:
    """One import of a followed ORUK feed; raises while the publisher is unreachable and tries
    are left, so the worker tries again with backoff."""
    from joinedup.directory import following

    following.run_execute(run_id=run_id, tries=FEED_RETRY.max_attempts)


@job()
def directory_feeds_due() -> int:
    """Start an import of every followed feed that is due (every few minutes, from the schedule)."""
    from joinedup.directory import following

    return len(following.feeds_due_enqueue())


@job()
def review_reminders() -> int:
    """Each morning: lead professionals whose team's review is due soon or overdue are told."""
    from joinedup.episodes import services

    return services.review_reminders_send()


@job()
def escalation_reminders() -> int:
    """Every hour: the people concerned in a disagreement whose level is due soon or overdue."""
    from joinedup.episodes import services

    return services.escalation_reminders_send()
