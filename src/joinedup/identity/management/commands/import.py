from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import Progress

from joinedup.errors import ApplicationError
from joinedup.identity import services
from joinedup.identity.records import RecordFileError, parse
from joinedup.partnership.models import Organisation


class Command(BaseCommand):
    help = "Load an agency's own records: `joinedup import records FILE --agency CODE`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["records"], help="what to import")
        parser.add_argument("file", type=Path, help="CSV, XLSX or FHIR R4 Bundle (JSON)")
        parser.add_argument("--agency", required=True, help="the organisation's code")
        parser.add_argument(
            "--strict", action="store_true", help="refuse the whole file if any value is invalid"
        )

    def handle(self, *args: Any, file: Path, agency: str, strict: bool, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=agency).first()
        if organisation is None:
            codes = ", ".join(Organisation.objects.values_list("code", flat=True)[:30])
            raise CommandError(
                f"--agency: no organisation has the code '{agency}'. Known codes: {codes}."
            )
        if not file.is_file():
            raise CommandError(f"FILE: {file} does not exist or is not a file.")
        try:
            parsed = parse(file)
        except RecordFileError as error:
            raise CommandError(f"{file.name}: {error} Nothing was loaded.") from None
        with Progress(transient=True, disable=options["verbosity"] == 0) as bar:
            task = bar.add_task(f"Loading {file.name}", total=max(len(parsed.rows), 1))
            try:
                report = services.records_load(
                    actor=None,
                    organisation=organisation,
                    parsed=parsed,
                    strict=strict,
                    progress=lambda done, total: bar.update(task, completed=done),
                )
            except ApplicationError as error:
                for problem in parsed.problems:
                    self.stderr.write(f"  {problem}")
                raise CommandError(error.message) from None
        for problem in report.problems:
            self.stderr.write(f"  {problem} (left empty)")
        self.stdout.write(
            self.style.SUCCESS(
                f"{organisation.name}: {report.created} new, {report.updated} updated, "
                f"{report.unchanged} unchanged, {report.linked} linked by NHS number; "
                f"{report.matched} matched to a known person, {report.queued} waiting for "
                f"review, {report.new_persons} new persons; "
                f"{len(report.problems)} problem(s) reported."
            )
        )
        if report.deferred:
            self.stdout.write(
                f"{report.deferred} new records were not matched one by one (more than "
                "JOINEDUP_LINK_REALTIME_MAX, or no linkage model yet): run "
                "`joinedup link-records` to link them."
            )
