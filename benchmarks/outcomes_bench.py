"""The partnership dashboard at scale (issue 19): the figures of a partnership of 1,000,000
persons and 200,000 episodes are built into stored cells, then the dashboard is read with random
filters (period, locality, need) as a partnership manager, and its p95 reported.

The facts are synthetic and made in memory (the dashboard reads only the stored cells, never the
casework), so the same run works on the scratch SQLite database and on PostgreSQL. Standalone:

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/outcomes_bench.py [PERSONS EPISODES]

Making the synthetic facts is timed apart from building and storing the cells: only the second
is the work a rebuild does.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

SECTORS = [
    "Statutory",
    "Health",
    "Education",
    "Police",
    "Justice",
    "Housing",
    "Voluntary",
    "Community",
    "Private",
    "Mutual",
]
DECISIONS = [
    "Advice or signposting",
    "Early help",
    "Step up to children's social care",
    "No further action",
]
REASONS = [
    "Outcomes achieved",
    "Family withdrew",
    "Stepped up to children's social care",
    "Moved away",
    "Other",
]
STATUSES = [
    "Open (early help)",
    "Stepped up to children's social care",
    "Stepped down to early help",
]


def facts(persons: int, episodes: int, localities: int, seed: int = 19) -> tuple[Any, ...]:
    from joinedup.outcomes.dashboard_build import (
        EpisodeFact,
        OutcomeFact,
        RatingFact,
        RequestFact,
    )
    from joinedup.outcomes.defaults import EVERY_CHILD_MATTERS, SUPPORTING_FAMILIES

    rng = random.Random(seed)
    today = date.today()
    places = [f"Locality {n}" for n in range(1, localities + 1)]
    request_needs = [code for code, _, _ in EVERY_CHILD_MATTERS]
    headlines = [(code, name) for code, name, _ in SUPPORTING_FAMILIES]
    leads = [f"Lead {n}" for n in range(max(episodes // 50, 1))]
    organisations = [f"Organisation {n}" for n in range(max(episodes // 2000, 1))]

    def day() -> date:
        return today - timedelta(days=rng.randrange(3 * 365))

    requests = []
    for _ in range(persons // 3):  # a request for about one person in three
        on = day()
        decided = rng.random() < 0.9
        requests.append(
            RequestFact(
                on,
                rng.choice(places),
                rng.choice(SECTORS),
                tuple(rng.sample(request_needs, rng.randint(0, 2))),
                rng.choice(DECISIONS) if decided else None,
                on + timedelta(days=rng.randint(0, 5)) if decided else None,
                rng.random() < 0.15,
            )
        )
    episode_facts, outcome_facts, ratings = [], [], []
    for _ in range(episodes):
        opened = day()
        needs = rng.sample(headlines, rng.randint(1, 4))
        closed = opened + timedelta(days=rng.randint(60, 400))
        is_closed = closed <= today
        place = rng.choice(places)
        codes = tuple(code for code, _ in needs)
        episode_facts.append(
            EpisodeFact(
                opened,
                place,
                codes,
                rng.randint(3, 40),
                (("Closed", closed),) if is_closed else (),
                rng.choice(REASONS) if is_closed else None,
                closed if is_closed else None,
                None if is_closed else rng.choice(STATUSES),
                rng.choice(leads),
                rng.choice(organisations),
            )
        )
        for code, name in needs:
            outcome_facts.append(
                OutcomeFact(min(closed, today), place, code, name, rng.uniform(-2, 6))
            )
        if is_closed and rng.random() < 0.3:
            ratings.append(RatingFact(closed, place, codes, rng.randint(1, 5)))
    return requests, episode_facts, outcome_facts, ratings


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def run(
    rows: list[tuple[str, str, str]], persons: int = 1_000_000, episodes: int = 200_000
) -> None:
    from joinedup.outcomes import dashboard
    from joinedup.outcomes.dashboard_build import cells_from_facts
    from joinedup.partnership.models import Practitioner, Role

    began = time.perf_counter()
    made = facts(persons, episodes, localities=12)
    rows.append(
        (
            f"synthetic facts made in memory ({sum(len(m) for m in made):,} facts; not part "
            "of a rebuild)",
            f"{time.perf_counter() - began:.1f} s",
            "-",
        )
    )
    began = time.perf_counter()
    cells = cells_from_facts(*made)
    build = dashboard.store(cells, date.today(), time.perf_counter() - began)
    rows.append(
        (
            f"dashboard cells built and stored ({persons:,} persons, {episodes:,} episodes, "
            f"{build.cells:,} cells)",
            f"{time.perf_counter() - began:.1f} s",
            "-",
        )
    )
    manager = Practitioner.objects.filter(roles__code=Role.Code.PARTNERSHIP_MANAGER).first()
    if manager is None:
        manager = Practitioner.objects.create_user(email="bench.manager@example.org")
        role, _ = Role.objects.get_or_create(code=Role.Code.PARTNERSHIP_MANAGER)
        manager.roles.add(role)
    rng = random.Random(5)
    needs = ["", "", "housing", "health", "be-healthy", "crime"]
    places = ["", "", "Locality 3", "Locality 7"]

    def read() -> None:
        params = {
            "period": rng.choice(list(dashboard.PERIODS)),
            "locality": rng.choice(places),
            "need": rng.choice(needs),
        }
        dashboard.dashboard(user=manager, params=params)

    read()  # warm the connection and the caches a running server has
    samples = []
    for _ in range(200):
        start = time.perf_counter()
        read()
        samples.append((time.perf_counter() - start) * 1000)
    rows.append(("partnership dashboard, random filters", f"p95 {p95(samples):.0f} ms", "≤ 300 ms"))


def main() -> int:
    scratch = tempfile.mkdtemp(prefix="joinedup-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
    os.environ.setdefault("JOINEDUP_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rows: list[tuple[str, str, str]] = []
    sizes = [int(n) for n in sys.argv[1:3]]
    run(rows, *sizes)
    engine = os.environ["DATABASE_URL"].split(":")[0]
    print(f"\njoinedup outcomes dashboard benchmark ({os.cpu_count()} cores, {engine})")
    for name, figure, target in rows:
        print(f"  {name}: {figure} (target {target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
