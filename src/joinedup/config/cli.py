"""The `joinedup` command: Django's management commands under one name.

`joinedup serve`, `joinedup demo`, `joinedup check-audit`, `joinedup migrate`, ... Hyphenated
names map to the management commands of the same name with underscores.
"""

from __future__ import annotations

import os
import sys

# Commands that need no database or Django settings at all.
STANDALONE = {"link": "joinedup.identity.linkage.cli"}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv if argv is None else ["joinedup", *argv])
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
        if args[1] in STANDALONE:
            from importlib import import_module

            return int(import_module(STANDALONE[args[1]]).main(args[1:]) or 0)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.config.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(args)
    except ImproperlyConfigured as error:
        print(f"joinedup: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
