"""`joinedup worker`: run background jobs and scheduled work until stopped (SIGTERM finishes
the current job first). Run as many as the load needs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from joinedup.jobs.worker import Worker, new_worker_id


class Command(BaseCommand):
    help = "Run background jobs and scheduled work (imports, linkage, rebuilds, webhooks)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--queue", default="*", help="queues to run, comma-separated")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks at an empty queue"
        )
        parser.add_argument("--batch", action="store_true", help="run what is queued, then stop")
        parser.add_argument(
            "--no-schedules", action="store_true", help="leave scheduled work to other workers"
        )
        parser.add_argument("--max-jobs", type=int, default=None, help="stop after this many")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = new_worker_id()
        self.stdout.write(f"joinedup worker {worker_id} waiting for jobs")
        worker = Worker(
            queue_names=options["queue"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name="default",
            startup_delay=not options["batch"],
            max_tasks=options["max_jobs"],
            worker_id=worker_id,
            excluded_queue_names=[],
            schedules=not options["no_schedules"],
        )
        worker.configure_signals()
        worker.run()
