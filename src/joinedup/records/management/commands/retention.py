"""`joinedup retention`: what is past its retention period, and erasure from the command line.

    joinedup retention due [--date YYYY-MM-DD]
    joinedup retention due --erase --by DPO-EMAIL --reason TEXT --confirm
    joinedup retention erase (--person REF | --episode REF | --request REF | --advice A-N)
                             --by DPO-EMAIL --reason TEXT --confirm

`due` only lists (references, never names): run it from cron and mail the output to the
data-protection officer. Erasure cannot be undone, so it needs --confirm, a reason, and a
data-protection officer named with --by, whom the tombstones and the audit trail record.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from joinedup.episodes.models import Episode
from joinedup.errors import ApplicationError, NotFound
from joinedup.frontdoor.models import RequestForSupport
from joinedup.partnership.models import Practitioner, Role
from joinedup.people.models import Person
from joinedup.records import retention
from joinedup.records.models import RecordType
from joinedup.sharing.models import AdviceRequest


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date: write it as YYYY-MM-DD"
        ) from None


def _erasure_options(parser: CommandParser) -> None:
    parser.add_argument("--by", metavar="EMAIL", help="the data-protection officer erasing")
    parser.add_argument("--reason", help="why the records are erased (kept on each tombstone)")
    parser.add_argument(
        "--confirm", action="store_true", help="erasure cannot be undone: say you mean it"
    )


class Command(BaseCommand):
    help = "List records past their retention period, and erase them (with --confirm)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{due,erase}")
        due = sub.add_parser("due", help="list what is past its retention period")
        due.add_argument("--date", type=_date, help="as on this day (default: today)")
        due.add_argument("--erase", action="store_true", help="erase everything due, not held")
        _erasure_options(due)
        erase = sub.add_parser("erase", help="erase one record")
        which = erase.add_mutually_exclusive_group(required=True)
        which.add_argument("--person", metavar="REF", help="a person's reference, P-...")
        which.add_argument("--episode", metavar="REF", help="an episode's reference, E-...")
        which.add_argument("--request", metavar="REF", help="a request's reference, R-...")
        which.add_argument("--advice", metavar="A-N", help="an advice request, A-12")
        _erasure_options(erase)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "erase":
            self._erase_one(options)
            return
        today = options["date"] or timezone.localdate()
        if options["erase"] and options["date"]:
            raise CommandError("--erase works on today's list only: leave out --date.")
        actor = self._officer(options) if options["erase"] else None
        groups = retention.due(today)
        self._print(groups, today)
        if actor is not None:
            self._erase_all(groups, actor, options["reason"])

    # -- checks ---------------------------------------------------------------------------------

    def _officer(self, options: dict[str, Any]) -> Practitioner:
        if not options["confirm"]:
            raise CommandError("Erasure cannot be undone: add --confirm to erase.")
        if not (options["reason"] or "").strip():
            raise CommandError("Give --reason: why these records are erased.")
        email = (options["by"] or "").strip()
        if not email:
            raise CommandError("Give --by: the email address of the data-protection officer.")
        officer = Practitioner.objects.filter(email__iexact=email, is_active=True).first()
        if officer is None or not officer.has_role(Role.Code.DATA_PROTECTION_OFFICER):
            raise CommandError(f"--by {email}: no active data-protection officer has this email.")
        return officer

    def _record(self, options: dict[str, Any]) -> tuple[str, Any, str]:
        """(record type, the record, the option that named it)."""
        lookups = [
            ("person", RecordType.PERSON, Person.objects, "reference__iexact"),
            ("episode", RecordType.EPISODE, Episode.objects, "reference__iexact"),
            ("request", RecordType.REQUEST, RequestForSupport.objects, "reference__iexact"),
        ]
        for option, record_type, manager, lookup in lookups:
            if options[option]:
                found = manager.filter(**{lookup: options[option].strip()}).first()
                if found is None:
                    raise CommandError(f"--{option} {options[option]}: no such record.")
                return record_type, found, option
        value = options["advice"].strip().upper().removeprefix("A-")
        advice = AdviceRequest.objects.filter(pk=int(value)).first() if value.isdigit() else None
        if advice is None:
            raise CommandError(f"--advice {options['advice']}: no such advice request.")
        return RecordType.ADVICE, advice, "advice"

    # -- doing --------------------------------------------------------------------------------

    def _erase_one(self, options: dict[str, Any]) -> None:
        record_type, record, _option = self._record(options)
        actor = self._officer(options)
        try:
            tombstone = retention.erase(
                record_type=record_type, pk=record.pk, actor=actor, reason=options["reason"]
            )
        except (ApplicationError, NotFound) as error:
            raise CommandError(getattr(error, "message", "Not allowed.")) from None
        self.stdout.write(
            self.style.SUCCESS(f"Erased {tombstone.reference}: tombstone #{tombstone.pk}.")
        )

    def _print(self, groups: list[retention.DueGroup], today: date) -> None:
        self.stdout.write(f"Records past their retention period on {today.isoformat()}")
        for group in groups:
            self.stdout.write("")
            if group.rule is None:
                self.stdout.write(f"{group.label}: no retention period set; nothing is due.")
                continue
            self.stdout.write(
                f"{group.label}: kept {group.rule.keep_for_months} months ({group.rule.authority})"
            )
            self.stdout.write(f"  {group.due_count} due, {group.held_count} held")
            for item in group.items:
                last = item.last_activity.isoformat() if item.last_activity else "not known"
                held = "  HELD (legal hold)" if item.held else ""
                self.stdout.write(
                    f"  {item.reference:<14} {item.summary:<28} last activity {last}{held}"
                )

    def _erase_all(
        self, groups: list[retention.DueGroup], actor: Practitioner, reason: str
    ) -> None:
        by_type = {g.record_type: g for g in groups}
        erased = failed = 0
        for record_type in retention.ERASE_ORDER:
            for item in by_type[record_type].items:
                if item.held:
                    continue
                try:
                    retention.erase(record_type=record_type, pk=item.pk, actor=actor, reason=reason)
                    erased += 1
                except (ApplicationError, NotFound) as error:
                    failed += 1
                    message = getattr(error, "message", "no longer there")
                    self.stderr.write(f"Not erased {item.reference}: {message}")
        self.stdout.write(f"\nErased {erased} records; {failed} could not be erased.")
        if failed:
            raise CommandError(f"{failed} records could not be erased: see the messages above.")
