from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from joinedup.demo.family import family_sign_ins
from joinedup.demo.partnership import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo family sign-ins (the family's own pages)."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = family_sign_ins()
        self.stdout.write(f"\nDemo family sign-ins (password for all: {DEMO_PASSWORD})\n")
        width = max(len(who) for who, _ in rows)
        for who, email in rows:
            self.stdout.write(f"  {who.ljust(width)}  {email}")
        self.stdout.write("  They sign in at /sign-in/ and their pages are at /family/.\n")
