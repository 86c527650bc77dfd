from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings
from rich.progress import Progress

from joinedup.demo import loader
from joinedup.partnership.models import Organisation


def positive(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Load the demo partnership: organisations, practitioners and N synthetic families."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--families", type=positive, default=300, help="how many families")
        parser.add_argument(
            "--seed", type=int, default=2026, help="random seed (same seed, same data)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database has organisations"
        )

    def handle(self, *args: Any, families: int, seed: int, if_empty: bool, **options: Any) -> None:
        if if_empty and Organisation.objects.exists():
            self.stdout.write("The database already has a partnership: demo not loaded again.")
            return
        if families > 100_000:
            raise CommandError("--families: at most 100000 for the demo.")
        # Synthetic families get no email: the demo's notifications stay inside joinedup.
        no_email = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        with no_email, Progress(transient=True, disable=options["verbosity"] == 0) as bar:
            task = bar.add_task("Loading demo families", total=families)
            result = loader.load(
                families=families,
                seed=seed,
                progress=lambda done, total: bar.update(task, completed=done),
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo partnership: {result.organisations} organisations, {result.practitioners} "
                f"practitioners; added {result.families_added} families "
                f"({result.persons_added} people) and {result.requests_added} requests for support."
            )
        )
