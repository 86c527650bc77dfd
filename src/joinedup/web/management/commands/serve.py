from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve joinedup in production with gunicorn (static files by whitenoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=f"0.0.0.0:{os.environ.get('PORT', '8000')}")
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3))
        )
        parser.add_argument("--no-migrate", action="store_true", help="do not apply migrations")

    def handle(self, *args: Any, bind: str, workers: int, no_migrate: bool, **options: Any) -> None:
        from gunicorn.app.wsgiapp import WSGIApplication

        call_command("check", deploy=True, fail_level="WARNING")
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = [
            "gunicorn",
            "joinedup.config.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ]
        sys.argv = argv  # gunicorn reads its options from the command line
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
