"""`joinedup outcomes-rebuild`: rebuild the partnership dashboard's stored figures (nightly)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.outcomes import dashboard


class Command(BaseCommand):
    help = "Rebuild the figures the partnership dashboard reads. Exits 1 if the rebuild fails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)"
        )

    def handle(self, *args: Any, as_of: date | None, **options: Any) -> None:
        try:
            build = dashboard.rebuild(as_of)
        except Exception as error:
            raise CommandError(f"Dashboard rebuild failed: {error}") from error
        self.stdout.write(
            f"Dashboard figures built as of {build.as_of:%-d %B %Y}: {build.cells} cells "
            f"in {build.seconds:.1f} s."
        )
