"""`joinedup insight-rebuild`: rebuild every partnership-health result (for cron, nightly)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from joinedup.insight import services
from joinedup.insight.models import BuildStatus


def iso_date(value: str) -> date:
    return date.fromisoformat(value)


class Command(BaseCommand):
    help = (
        "Rebuild the partnership-health results (network, balance of voice, continuum, survey "
        "results and prompts) that the pages read. Exits 1 if the rebuild fails."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=iso_date,
            default=None,
            help="last day of every period, YYYY-MM-DD (default: today)",
        )

    def handle(self, *args: Any, as_of: date | None, **options: Any) -> None:
        try:
            build = services.build_now(as_of=as_of)
        except Exception as error:
            raise CommandError(f"Partnership-health rebuild failed: {error}") from error
        if build.status != BuildStatus.DONE:
            raise CommandError(f"Partnership-health rebuild failed: {build.message}")
        figures = build.figures
        self.stdout.write(
            self.style.SUCCESS(
                f"Partnership health rebuilt for periods ending {build.as_of:%-d %B %Y}: "
                f"{figures.get('organisations', 0)} organisations, "
                f"{figures.get('involvements_read', 0)} involvements, "
                f"{figures.get('prompts', 0)} prompts, in {figures.get('seconds', 0)} seconds."
            )
        )
