from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from joinedup.demo.partnership import DEMO_PASSWORD, SIGN_INS


class Command(BaseCommand):
    help = "Print the demo sign-ins."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})\n")
        width = max(len(role) for role, _ in SIGN_INS)
        for role, email in SIGN_INS:
            self.stdout.write(f"  {role.ljust(width)}  {email}")
        self.stdout.write("")
