"""Build (or reuse) the PostgreSQL databases `make bench-scale` measures.

Two sizes of the same shape: the demo partnership (3,000 families, about 11,000 people) for
the 10k column, and the demo (300 families) plus `insight_db_bench.py`'s synthetic partnership
(1,000,000 persons, 10,000 organisations, a million involvements, thirty thousand teams around
families) for the 1M column. A database that was built completely carries a comment saying so
and is reused; anything else with that name is dropped and built again (about 7 minutes at 1M
on 2 cores).

    python benchmarks/scale_db.py --name bench_1m --persons 1000000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

SERVER = os.environ.get("JOINEDUP_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
MARK = "joinedup bench-scale"


def psql(sql: str, database: str = "postgres") -> str:
    done = subprocess.run(
        ["psql", f"{SERVER}/{database}", "-XAtqc", sql], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def mark_of(persons: int, families: int) -> str:
    return f"{MARK}: demo {families} families + {persons} persons"


def is_built(name: str, persons: int, families: int) -> bool:
    comment = psql(
        f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{name}'"  # noqa: S608
    )
    return comment == mark_of(persons, families)


def migrated_apps(name: str) -> set[str]:
    rows = psql("SELECT DISTINCT app FROM django_migrations", name)
    return set(rows.split())


def app_labels() -> set[str]:
    """The apps of this checkout (a database migrated by apps that are gone is rebuilt)."""
    code = (
        "import django; django.setup(); from django.apps import apps; "
        "print(' '.join(a.label for a in apps.get_app_configs()))"
    )
    env = dict(os.environ, JOINEDUP_DEBUG="true")
    env.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.config.settings")
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return set(done.stdout.split())


def url_of(name: str) -> str:
    return f"{SERVER}/{name}"


def build(name: str, persons: int, families: int, organisations: int) -> None:
    """Run in a child process so that Django is set up against the new database."""
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{name}"')
    env = dict(os.environ, DATABASE_URL=url_of(name), JOINEDUP_DEBUG="true")
    env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.config.settings")
    args = [str(persons), str(families), str(organisations)]
    subprocess.run([sys.executable, __file__, "--load", *args], env=env, check=True)
    psql("VACUUM ANALYZE", name)
    psql(f"COMMENT ON DATABASE \"{name}\" IS '{mark_of(persons, families)}'")


def _load(persons: int, families: int, organisations: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from joinedup.demo import loader

    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    loader.load(families=families, seed=2026)
    print(f"demo ({families} families) in {time.perf_counter() - began:.0f} s", flush=True)
    if persons:
        import insight_db_bench

        began = time.perf_counter()
        counts = insight_db_bench.load(persons, organisations)
        print(f"loaded in {time.perf_counter() - began:.0f} s: {counts}", flush=True)


def ensure(name: str, persons: int, families: int, organisations: int) -> str:
    """The database's URL, building it first unless a complete one of this shape exists."""
    stale: set[str] = set()
    if is_built(name, persons, families):
        stale = migrated_apps(name) - app_labels()
    if is_built(name, persons, families) and not stale:
        print(f"reusing {name} ({mark_of(persons, families)})", flush=True)
    else:
        began = time.perf_counter()
        why = f" (migrated by apps that are gone: {', '.join(sorted(stale))})" if stale else ""
        print(f"building {name}: {mark_of(persons, families)}{why}", flush=True)
        build(name, persons, families, organisations)
        print(f"built {name} in {time.perf_counter() - began:.0f} s", flush=True)
    return url_of(name)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--load":
        _load(*(int(a) for a in argv[1:4]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", default="bench_1m")
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--families", type=int, default=300, help="demo families")
    parser.add_argument("--organisations", type=int, default=10_000)
    args = parser.parse_args(argv)
    ensure(args.name, args.persons, args.families, args.organisations)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
