"""`make bench`: speed and memory of the everyday paths, printed as a table.

Runs against a scratch SQLite database (or DATABASE_URL when set), never the demo's own.
Targets live here, not in the tests: each row prints its figure beside its target.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def identity_figures(rows: list[tuple[str, str, str]]) -> None:
    """Identity on the demo's records: a linkage run over the database (the model the demo
    trained is kept, so this is an everyday re-run), and "probably the same person" in real
    time, as the request form asks it. Needs the demo loaded first."""
    from joinedup.identity import linking, matching
    from joinedup.identity.models import LinkageRun
    from joinedup.people.models import Person

    previous = LinkageRun.objects.filter(trigger=LinkageRun.Trigger.DEMO).order_by("-pk").first()
    if previous is not None:
        rows.append(
            (
                f"demo linkage, first run ({previous.records} records, model trained)",
                f"{previous.seconds:.1f} s",
                "-",
            )
        )
    began = time.perf_counter()
    run = linking.linkage_run(
        run=linking.run_start(actor=None, trigger=LinkageRun.Trigger.COMMAND), actor=None
    )
    rows.append(
        (
            f"linkage run again ({run.records} records, {run.pairs} pairs, saved model)",
            f"{time.perf_counter() - began:.1f} s",
            "≤ 60 s",
        )
    )
    began = time.perf_counter()
    matching.index()
    rows.append(("real-time index build", f"{time.perf_counter() - began:.1f} s", "-"))
    people = list(
        Person.objects.values("given_name", "family_name", "date_of_birth", "postcode")[:2000]
    )
    rng = random.Random(2)
    samples = timed(lambda: matching.person_matches(rng.choice(people), min_probability=0.5), 200)
    rows.append(("probably the same person (real time)", f"p95 {p95(samples):.1f} ms", "≤ 20 ms"))


def partnership_health_database_figures(
    rows: list[tuple[str, str, str]], persons: int, organisations: int
) -> None:
    """Partnership health through Django (issue #7), separate from the pure-computation row:
    bulk-load a synthetic partnership of `persons` and `organisations` into this database, then
    time `joinedup insight-rebuild` over it (database read + compute + store)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import insight_db_bench

    began = time.perf_counter()
    counts = insight_db_bench.load(persons, organisations)
    rows.append(
        (
            f"partnership health: bulk load ({counts['involvements']:,} involvements, "
            f"{counts['episodes']:,} teams)",
            f"{time.perf_counter() - began:.0f} s",
            "-",
        )
    )
    figures = insight_db_bench.measure()
    rows.append(
        (
            f"partnership health rebuild from the database ({persons:,} persons, "
            f"{organisations:,} organisations; read {figures['read_seconds']:.0f} s, "
            f"store {figures['store_seconds']:.0f} s, {figures['queries_reading_casework']} "
            "queries)",
            f"{figures['seconds']:.1f} s",
            "≤ 60 s",
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--families", type=int, default=3000, help="demo families to load")
    parser.add_argument("--persons", type=int, default=1_000_000, help="partnership-health size")
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--skip-insight", action="store_true", help="skip partnership health")
    parser.add_argument(
        "--skip-outcomes", action="store_true", help="skip the partnership dashboard at scale"
    )
    parser.add_argument(
        "--skip-insight-db",
        action="store_true",
        help="skip the partnership-health rebuild through the database (a few minutes at 1M)",
    )
    args = parser.parse_args(argv)
    scratch = tempfile.mkdtemp(prefix="joinedup-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
    os.environ.setdefault("JOINEDUP_DEBUG", "true")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from joinedup.audit import services as audit
    from joinedup.core import timescales
    from joinedup.demo import loader
    from joinedup.partnership.models import Practitioner
    from joinedup.people import selectors
    from joinedup.people.models import Person
    from joinedup.sharing import policy

    call_command("migrate", verbosity=0)
    rows: list[tuple[str, str, str]] = []
    began = time.perf_counter()
    loader.load(families=args.families, seed=2026)
    persons = Person.objects.count()
    rows.append(
        (
            f"load demo ({args.families} families, {persons} people)",
            f"{time.perf_counter() - began:.1f} s",
            "-",
        )
    )

    identity_figures(rows)

    user = Practitioner.objects.get(email="amira.khan@oakfield.example")
    visible = list(policy.persons_visible_to(user).values_list("pk", flat=True))
    samples = timed(lambda: list(selectors.my_people(user=user, page=1).object_list), 50)
    rows.append(
        (
            f"my people, first page ({len(visible)} visible)",
            f"p95 {p95(samples):.1f} ms",
            "≤ 100 ms",
        )
    )
    samples = timed(lambda: list(selectors.my_people(user=user, name="smith").object_list), 50)
    rows.append(("my people, name search", f"p95 {p95(samples):.1f} ms", "≤ 100 ms"))
    rng = random.Random(1)
    samples = timed(lambda: selectors.person_get(user=user, person_id=rng.choice(visible)), 100)
    rows.append(
        (
            "person page read (policy, relatives, involvements, audit)",
            f"p95 {p95(samples):.1f} ms",
            "≤ 50 ms",
        )
    )

    samples = timed(lambda: audit.record(actor=user, action="view", object_type="bench"), 1000)
    rows.append(
        ("audit append (one event, own transaction)", f"p95 {p95(samples):.2f} ms", "≤ 10 ms")
    )
    began = time.perf_counter()
    report = audit.verify()
    elapsed = time.perf_counter() - began
    rows.append(
        (
            f"check-audit ({report.checked} events)",
            f"{report.checked / elapsed:,.0f} events/s",
            "≥ 20,000 events/s",
        )
    )

    calendar, rules = timescales.WorkingCalendar(), timescales.TimescalePolicy()
    start = datetime(2026, 1, 1, tzinfo=calendar.zone)
    requests = [
        (
            rng.choice(list(timescales.Rating)),
            start + timedelta(minutes=rng.randrange(365 * 24 * 60)),
        )
        for _ in range(10_000)
    ]
    began = time.perf_counter()
    for rating, received in requests:
        timescales.due_at(rules, calendar, rating, received)
    rows.append(
        (
            "due dates for 10,000 requests (working hours, bank holidays)",
            f"{(time.perf_counter() - began) * 1000:.0f} ms",
            "≤ 1,000 ms",
        )
    )

    if not args.skip_insight:
        sys.path.insert(0, str(Path(__file__).parent))
        import insight_bench

        figures = insight_bench.run(persons=args.persons, organisations=args.organisations)
        seconds = figures["rebuild_seconds"]
        rows.append(
            (
                f"partnership health rebuild ({args.persons:,} persons, "
                f"{args.organisations:,} organisations)",
                f"{seconds:.1f} s",
                "≤ 60 s",
            )
        )
    if not args.skip_insight and not args.skip_insight_db:
        partnership_health_database_figures(rows, args.persons, args.organisations)
    if not args.skip_outcomes:
        sys.path.insert(0, str(Path(__file__).parent))
        import outcomes_bench

        outcomes_bench.run(rows, persons=args.persons, episodes=args.persons // 5)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(("peak memory (this process)", f"{peak:.0f} MiB", "-"))
    width = max(len(r[0]) for r in rows)
    engine = os.environ["DATABASE_URL"].split(":")[0]
    print(f"\njoinedup benchmarks ({os.cpu_count()} cores, {engine})")
    for name, figure, target in rows:
        print(f"  {name.ljust(width)}  {figure:>22}  target {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
