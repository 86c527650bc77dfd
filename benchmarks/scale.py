"""`make bench-scale`: the daily pages at 10k and 1M people on PostgreSQL, side by side.

1. Builds (or reuses) two PostgreSQL databases of the same shape (benchmarks/scale_db.py): the
   demo with 3,000 families (about 11,000 people) and the demo plus a synthetic partnership of a
   million persons and 10,000 organisations.
2. In each, times every daily page and API list through Django's test client (the whole
   request: middleware, policy, template), as four practitioners: a school's safeguarding lead,
   the front door, the lead professional of the most teams, and a practitioner of the
   organisation with the most current involvements ("the largest organisation's my people").
   Prints p50 / p95 and the queries each request ran.
3. Serves the 1M database with `joinedup serve` on 127.0.0.1 and sends it a bounded load: 20
   concurrent users on a weighted mix of those pages for a fixed time (benchmarks/load.py),
   first paced at 40 requests/s in all (the target's rate; each request timed from when it was
   due, so waiting behind a slow one counts), then back to back (the most the server gives).
4. Rebuilds partnership health from the 1M database, with its time and peak memory.

Targets (docs/benchmarks.md): p95 <= 50 ms for every daily page; >= 40 requests/s with p95 <=
250 ms under load; rebuild <= 60 s and <= 1.5 GB. The machine's load average is printed with
the figures: on a shared machine it says how much the numbers are to be trusted.

    python benchmarks/scale.py [--repeat 30] [--skip-load] [--skip-rebuild] [--duration 60]
                               [--sizes 10k,1M] [--rates 40,0]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import scale_db  # noqa: E402  (benchmarks/ is put on the path above)

SIZES = {
    "10k": {"name": "bench_10k", "persons": 0, "families": 3000},
    "1M": {"name": "bench_1m", "persons": 1_000_000, "families": 300},
}
TARGET_MS = 50.0


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(samples: list[float], q: float) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


# --- run inside one database (a child process with DATABASE_URL set) --------------------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.config.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    import django

    django.setup()


def actors() -> dict[str, Any]:
    """The practitioners whose daily pages are measured, and one record of each kind to open."""
    from django.db.models import Count

    from joinedup.episodes.models import Episode
    from joinedup.partnership.models import Practitioner
    from joinedup.sharing import policy

    school = Practitioner.objects.get(email="amira.khan@oakfield.example")
    front_door = Practitioner.objects.get(email="priya.shah@earlyhelp.example")
    largest = (
        policy.current_involvements()
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    large_org_user = (
        Practitioner.objects.filter(organisation_id=largest["organisation_id"])
        .order_by("pk")
        .first()
    )
    busiest = (
        Episode.objects.exclude(status="closed")
        .values("lead_professional_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    lead = Practitioner.objects.get(pk=busiest["lead_professional_id"])
    episode = (
        policy.episodes_visible_to(school).exclude(status="closed").order_by("pk").first()
        or policy.episodes_visible_to(lead).order_by("pk").first()
    )
    episode_reader = school if policy.episodes_visible_to(school).filter(pk=episode.pk) else lead
    person = policy.persons_visible_to(school).order_by("pk").first()
    return {
        "school": school,
        "front_door": front_door,
        "large_org": large_org_user,
        "large_org_size": largest["n"],
        "lead": lead,
        "lead_episodes": busiest["n"],
        "episode": episode,
        "episode_reader": episode_reader,
        "person": person,
    }


def daily_pages(a: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(label, user, path) of every daily page and API list."""
    episode, person = a["episode"].pk, a["person"].pk
    return [
        ("home / my people, first page (school)", a["school"], "/"),
        ("home, name search (school)", a["school"], "/?name=smith"),
        ("my people, largest organisation", a["large_org"], "/"),
        ("my people, page 2, largest organisation", a["large_org"], "/?page=2"),
        ("name search, largest organisation", a["large_org"], "/?name=smith"),
        ("API /people (school)", a["school"], "/api/v1/people"),
        ("API /people?name=", a["school"], "/api/v1/people?name=smith"),
        ("API /people, largest organisation", a["large_org"], "/api/v1/people"),
        ("API /people?name=, largest organisation", a["large_org"], "/api/v1/people?name=p12"),
        ("person page", a["school"], f"/people/{person}/"),
        ("my work (school)", a["school"], "/my-work/"),
        ("my work, lead of the most teams", a["lead"], "/my-work/"),
        ("API /my-work, lead of the most teams", a["lead"], "/api/v1/my-work"),
        ("API /episodes, lead of the most teams", a["lead"], "/api/v1/episodes"),
        ("episode", a["episode_reader"], f"/episodes/{episode}/"),
        ("chronology", a["episode_reader"], f"/episodes/{episode}/chronology/"),
        ("requests (mine)", a["school"], "/requests/"),
        ("API /requests", a["school"], "/api/v1/requests"),
        ("front door queue", a["front_door"], "/front-door/"),
        ("API /front-door/queue", a["front_door"], "/api/v1/front-door/queue"),
        ("notifications", a["school"], "/notifications/"),
    ]


def measure_pages(repeat: int) -> dict[str, Any]:
    """p50 / p95 and queries for every daily page, in this process's database."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    a = actors()
    clients: dict[int, Client] = {}
    results = []
    for label, user, path in daily_pages(a):
        client = clients.get(user.pk)
        if client is None:
            client = clients[user.pk] = Client()
            client.force_login(user)
        client.get(path)  # warm: connection, templates, caches
        samples = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - began) * 1000)
        results.append(
            {
                "page": label,
                "status": response.status_code,
                "p50": statistics.median(samples),
                "p95": percentile(samples, 95),
                "queries": len(queries),
            }
        )
    return {
        "pages": results,
        "large_org_size": a["large_org_size"],
        "lead_episodes": a["lead_episodes"],
        "load": load_average(),
    }


def measure_rebuild() -> dict[str, Any]:
    import insight_db_bench

    figures = insight_db_bench.measure()
    figures["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    figures["load"] = load_average()
    return figures


def _child(what: str, repeat: int) -> int:
    _setup()
    result = measure_pages(repeat) if what == "pages" else measure_rebuild()
    print("RESULT " + json.dumps(result, default=str), flush=True)
    return 0


# --- the parent: databases, children, the load test, the table ---------------------------------


def in_database(url: str, what: str, repeat: int = 0) -> dict[str, Any]:
    env = dict(os.environ, DATABASE_URL=url, JOINEDUP_DEBUG="false")
    env.setdefault("SECRET_KEY", "bench-scale-only")
    env["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    env["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    env["JOINEDUP_HTTPS"] = "false"
    done = subprocess.run(
        [sys.executable, __file__, "--child", what, str(repeat)],
        env=env,
        capture_output=True,
        text=True,
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line.removeprefix("RESULT ")))
    raise SystemExit(f"{what} in {url} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")


def migrate(url: str) -> None:
    """A reused database gets this checkout's migrations (new indexes) before it is measured."""
    env = dict(os.environ, DATABASE_URL=url, JOINEDUP_DEBUG="true")
    subprocess.run(
        [sys.executable, "-m", "joinedup.config.cli", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
    )


def table(sizes: dict[str, dict[str, Any]]) -> list[str]:
    labels = [row["page"] for row in next(iter(sizes.values()))["pages"]]
    width = max(map(len, labels))
    head = " | ".join(f"{size} p50 / p95 ms (queries)" for size in sizes)
    lines = [f"| {'page'.ljust(width)} | {head} | p95 <= {TARGET_MS:.0f} ms at 1M |"]
    lines.append("| " + " | ".join(["---"] * (len(sizes) + 2)) + " |")
    for i, label in enumerate(labels):
        cells = []
        for figures in sizes.values():
            row = figures["pages"][i]
            status = "" if row["status"] == 200 else f" [HTTP {row['status']}]"
            cells.append(f"{row['p50']:.1f} / {row['p95']:.1f} ({row['queries']}){status}")
        last = next(reversed(sizes.values()))["pages"][i]
        met = "yes" if last["p95"] <= TARGET_MS else "NO"
        lines.append(f"| {label.ljust(width)} | " + " | ".join(cells) + f" | {met} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child":
        return _child(argv[1], int(argv[2]))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--duration", type=int, default=60, help="load test seconds")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8112")))
    parser.add_argument(
        "--rates",
        default="40,0",
        help="load test: requests per second from all users together, one run each (0: back "
        "to back, the most the server gives)",
    )
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument(
        "--sizes",
        default=",".join(SIZES),
        help="the columns to measure, of " + ", ".join(SIZES) + " (the load test and the "
        "rebuild need 1M)",
    )
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown or not sizes:
        named = ", ".join(unknown) or "none given"
        parser.error(f"--sizes: {named}: choose from {', '.join(SIZES)}")
    if "1M" not in sizes:
        args.skip_load = args.skip_rebuild = True

    urls = {}
    for size, shape in SIZES.items():
        if size not in sizes:
            continue
        urls[size] = scale_db.ensure(shape["name"], shape["persons"], shape["families"], 10_000)
        migrate(urls[size])
    figures = {}
    for size, url in urls.items():
        print(f"measuring the daily pages at {size} (load average {load_average()})", flush=True)
        figures[size] = in_database(url, "pages", args.repeat)
    out = [f"joinedup bench-scale ({os.cpu_count()} cores, PostgreSQL)", ""]
    for size, result in figures.items():
        out.append(
            f"{size}: largest organisation {result['large_org_size']:,} current involvements; "
            f"lead of {result['lead_episodes']} open teams; load average {result['load']}"
        )
    out += ["", *table(figures)]
    print("\n".join(out), flush=True)  # each part as soon as it is measured
    if not args.skip_load:
        import load

        result = load.run(
            urls["1M"],
            port=args.port,
            users=args.users,
            duration=args.duration,
            cwd=HERE.parent,
            rates=load.rates(parser, args.rates),
        )
        out = ["", *load.report(result)]
        print("\n".join(out), flush=True)
    if not args.skip_rebuild:
        out = []
        print(f"rebuilding partnership health at 1M (load average {load_average()})", flush=True)
        rebuild = in_database(urls["1M"], "rebuild")
        met = rebuild["seconds"] <= 60 and rebuild["peak_mib"] <= 1536
        out += [
            "",
            f"partnership-health rebuild at 1M: {rebuild['seconds']:.1f} s "
            f"(read {rebuild['read_seconds']:.0f} s, store {rebuild['store_seconds']:.0f} s), "
            f"peak {rebuild['peak_mib']:,} MiB, status {rebuild['status']}; "
            f"target <= 60 s and <= 1,536 MiB: {'met' if met else 'NOT met'}; "
            f"load average {rebuild['load']}",
        ]
        print("\n".join(out), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
