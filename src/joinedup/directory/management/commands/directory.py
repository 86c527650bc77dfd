"""`joinedup directory import URL-or-file [--all]`: load another publisher's ORUK services."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.directory.feeds import feed_import
from joinedup.errors import ApplicationError


class Command(BaseCommand):
    help = "Service directory: import an Open Referral UK feed (incrementally)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="Import services from an ORUK API or a JSON file.")
        imp.add_argument("source", help="The feed's API address (…/oruk) or a JSON file.")
        imp.add_argument(
            "--all",
            action="store_true",
            dest="everything",
            help="Read every service, not only those changed since the last import.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = feed_import(options["source"], everything=options["everything"])
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"{report.source}: {report.read} read, {report.created} created, "
            f"{report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.refused)} refused"
        )
        for record_id, field, message in report.refused:
            self.stdout.write(f"  refused {record_id}: {field} {message}")
        if report.refused:
            raise CommandError(f"{len(report.refused)} records were refused (see above).")
