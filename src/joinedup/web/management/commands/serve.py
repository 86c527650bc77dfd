from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings

# The deployment checks that only make sense over HTTPS: HSTS, the HTTPS redirect and secure
# cookies. Silenced only when the operator asks for plain HTTP explicitly.
HTTPS_CHECKS = [
    "security.W004",
    "security.W008",
    "security.W012",
    "security.W016",
]


class Command(BaseCommand):
    help = (
        "Serve joinedup in production with gunicorn (static files by whitenoise): behind a "
        "proxy that terminates TLS (the default), or on plain HTTP with --plain-http."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=f"0.0.0.0:{os.environ.get('PORT', '8000')}")
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3))
        )
        parser.add_argument("--no-migrate", action="store_true", help="do not apply migrations")
        parser.add_argument(
            "--plain-http",
            action="store_true",
            help="serve on plain HTTP, for an internal network without TLS (with "
            "JOINEDUP_HTTPS=false): cookies are then not marked secure",
        )
        parser.add_argument(
            "--forwarded-allow-ips",
            default=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            help="addresses of the TLS-terminating proxy whose X-Forwarded-* headers are trusted",
        )
        parser.add_argument(
            "--quiet-access-log", action="store_true", help="no line per request on stdout"
        )

    def handle(
        self,
        *args: Any,
        bind: str,
        workers: int,
        no_migrate: bool,
        plain_http: bool,
        forwarded_allow_ips: str,
        quiet_access_log: bool,
        **options: Any,
    ) -> None:
        from gunicorn.app.wsgiapp import WSGIApplication

        self.deployment_checks(plain_http)
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = ["gunicorn", "joinedup.config.wsgi:application", "--bind", bind]
        argv += ["--workers", str(workers), "--forwarded-allow-ips", forwarded_allow_ips]
        if not quiet_access_log:
            argv += ["--access-logfile", "-"]
        sys.argv = argv  # gunicorn reads its options from the command line
        WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()

    @staticmethod
    def deployment_checks(plain_http: bool) -> None:
        """Django's deployment checks, failing on warnings. Plain HTTP must be asked for twice
        (JOINEDUP_HTTPS=false and --plain-http), so that nobody gets it by a typo."""
        https = settings.SECURE_SSL or settings.DEBUG
        if plain_http and settings.SECURE_SSL:
            raise CommandError("--plain-http needs JOINEDUP_HTTPS=false as well.")
        if not plain_http and not https:
            raise CommandError(
                "JOINEDUP_HTTPS=false: to serve on plain HTTP (an internal network), say so with "
                "--plain-http; behind a proxy that terminates TLS, leave JOINEDUP_HTTPS at true."
            )
        silenced = list(settings.SILENCED_SYSTEM_CHECKS) + (HTTPS_CHECKS if plain_http else [])
        with override_settings(SILENCED_SYSTEM_CHECKS=silenced):
            call_command("check", deploy=True, fail_level="WARNING")
