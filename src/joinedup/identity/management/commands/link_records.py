from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from joinedup.errors import ApplicationError
from joinedup.identity import conf, linking
from joinedup.identity.linkage import LinkageModel, ModelError
from joinedup.identity.models import LinkageRun


def probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError("must be a probability between 0 and 1, e.g. 0.9")
    return value


class Command(BaseCommand):
    help = (
        "Link the database's agency records into persons with the linkage model: "
        "`joinedup link-records [--automatic P] [--review P] [--model M | --retrain]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--automatic", type=probability, metavar="P",
            help="link automatically at or above this match probability "
            "(default JOINEDUP_LINK_AUTOMATIC, 0.9)",
        )  # fmt: skip
        parser.add_argument(
            "--review", type=probability, metavar="P",
            help="at or above this (and below --automatic) a pair waits for review; below it "
            "a record becomes a new person (default JOINEDUP_LINK_REVIEW, 0.5)",
        )  # fmt: skip
        model = parser.add_mutually_exclusive_group()
        model.add_argument(
            "--model", type=Path, metavar="model.json",
            help="a model saved by `joinedup link --model-out` (default: JOINEDUP_LINK_MODEL, "
            "else the newest model trained here)",
        )  # fmt: skip
        model.add_argument(
            "--retrain", action="store_true",
            help="estimate a new model from the records (at least 200) and keep it",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            configured = conf.linkage_settings().thresholds
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        thresholds = conf.Thresholds(
            options["automatic"] or configured.automatic, options["review"] or configured.review
        )
        try:
            thresholds.check("--automatic", "--review")
        except ValueError as error:
            raise CommandError(str(error)) from None
        model_path: Path | None = options["model"]
        if model_path is not None:
            if not model_path.is_file():
                raise CommandError(f"--model: {model_path} does not exist or is not a file.")
            try:
                LinkageModel.load(model_path)
            except ModelError as error:
                raise CommandError(f"--model: {error}") from None
        try:
            run = linking.run_start(
                actor=None, trigger=LinkageRun.Trigger.COMMAND, thresholds=thresholds
            )
        except ApplicationError as error:
            raise CommandError(error.message) from None
        with Progress(transient=True, disable=options["verbosity"] == 0) as bar:
            task = bar.add_task("Linking records", total=LinkageRun.STAGES)

            def progress(done: int, total: int, stage: str) -> None:
                bar.update(task, completed=done, description=stage)

            try:
                linking.linkage_run(
                    run=run,
                    actor=None,
                    model_path=model_path,
                    retrain=options["retrain"],
                    progress=progress,
                )
            except ApplicationError as error:
                raise CommandError(error.message) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.records} records, {run.pairs} pairs at or above {thresholds.review}: "
                f"{run.linked} linked, {run.queued} waiting for review, "
                f"{run.persons_created} new persons, {run.unchanged} unchanged; "
                f"{run.candidates_created} pairs added to the review queue, "
                f"{run.candidates_removed} no longer needed; in {run.seconds:.1f} s."
            )
        )
