"""Partnership-health rebuild at scale: network metrics (90 and 365 days) and balance of voice.

Generates synthetic casework shaped like a large partnership, then times the pure computations
the insight pages use. No database is involved.

    python benchmarks/insight_bench.py [--persons 1000000] [--organisations 10000]

The shape: organisations sit in localities (about 200 each) plus a few area-wide statutory
agencies (council social care, police, the health trust) that reach every locality; within a
locality a few organisations are busy and many are small (a Zipf-like pull). Families have one to
eight organisations involved (mean ≈ 2.5 memberships per family), so a million persons make
about 400,000 families and a million family memberships.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from joinedup.insight import network as net
from joinedup.insight import voice

SECTORS = ("statutory", "health", "education", "police", "justice", "housing", "voluntary",
           "community", "private", "mutual")  # fmt: skip
PROFESSIONS = ("social_worker", "early_help_worker", "teacher", "school_nurse", "health_visitor",
               "gp", "police_officer", "youth_justice_officer", "housing_officer",
               "family_support_worker", "youth_worker", "mental_health_practitioner")  # fmt: skip
END = date(2026, 3, 31)
TARGET_SECONDS = 60.0
SPAN_DAYS = 730
LOCALITY_SIZE = 200
HUB_SHARE = 0.01  # area-wide agencies, as a share of all organisations
ORGS_PER_FAMILY = (1, 2, 3, 4, 5, 6, 7, 8)
ORGS_PER_FAMILY_P = (0.22, 0.30, 0.22, 0.12, 0.07, 0.04, 0.02, 0.01)


def _zipf_weights(n: int, exponent: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def generate(persons: int, organisations: int, seed: int = 1) -> dict[str, object]:
    """Synthetic casework: sectors, involvements, referrals, meetings and team memberships."""
    rng = np.random.default_rng(seed)
    hubs = max(1, int(organisations * HUB_SHARE))
    local = organisations - hubs
    localities = max(1, local // LOCALITY_SIZE)
    sectors = {f"org{i}": SECTORS[i % 4] if i < hubs else SECTORS[rng.integers(len(SECTORS))]
               for i in range(organisations)}  # fmt: skip
    families = int(persons / 2.5)
    sizes = rng.choice(ORGS_PER_FAMILY, size=families, p=ORGS_PER_FAMILY_P)
    # Drawn in bulk: per family up to two area-wide agencies, the rest from its locality.
    hub_count = np.minimum(sizes, (rng.random(families) < 0.6) + (rng.random(families) < 0.15))
    hub_picks = rng.choice(hubs, size=(families, 2), p=_zipf_weights(hubs, 0.8))
    local_picks = rng.choice(LOCALITY_SIZE, size=(families, max(ORGS_PER_FAMILY)),
                             p=_zipf_weights(LOCALITY_SIZE))  # fmt: skip
    base = hubs + rng.integers(localities, size=families) * LOCALITY_SIZE
    local_orgs = np.minimum(base[:, None] + local_picks, organisations - 1)
    starts = rng.integers(0, SPAN_DAYS, size=families)
    lengths = rng.integers(30, 400, size=families)
    names = [f"org{i}" for i in range(organisations)]
    involvements: list[net.Involvement] = []
    teams: list[tuple[int, list[str]]] = []
    for fam in range(families):
        k, h = int(sizes[fam]), int(hub_count[fam])
        chosen = set(hub_picks[fam, :h].tolist()) | set(local_orgs[fam, : k - h].tolist())
        start = END - timedelta(days=int(starts[fam]))
        end = start + timedelta(days=int(lengths[fam]))
        orgs = [names[o] for o in chosen]
        for org in orgs:
            involvements.append(net.Involvement(fam, org, start, end if end < END else None))
        teams.append((fam, orgs))
    referrals, meetings = _referrals_and_meetings(teams, involvements, rng)
    # The database tallies voice counts with GROUP BY; the rebuild times the computation on them.
    return {"sectors": sectors, "involvements": involvements, "referrals": referrals,
            "meetings": meetings, "voice": voice_activity(teams)}  # fmt: skip


def _referrals_and_meetings(
    teams: list[tuple[int, list[str]]],
    involvements: list[net.Involvement],
    rng: np.random.Generator,
) -> tuple[list[net.Referral], list[net.MeetingAttendance]]:
    started = {row.family: row.start for row in involvements}
    referrals: list[net.Referral] = []
    meetings: list[net.MeetingAttendance] = []
    for fam, orgs in teams:
        if len(orgs) < 2:
            continue
        day = started[fam]
        referrals.append(net.Referral(orgs[0], orgs[1], day))
        for m in range(int(rng.integers(0, 4))):
            present = frozenset(o for o in orgs if rng.random() < 0.8)
            if len(present) >= 2:
                meetings.append(net.MeetingAttendance((fam, m), present, day + timedelta(42 * m)))
    return referrals, meetings


def voice_activity(teams: list[tuple[int, list[str]]], seed: int = 1) -> list[voice.GroupActivity]:
    """Tally team memberships, lead roles and actions by profession, as the database would."""
    rnd = random.Random(seed)
    members: Counter[str] = Counter()
    leads: Counter[str] = Counter()
    actions: Counter[str] = Counter()
    meetings: Counter[str] = Counter()
    lead_pull = [3.0 if p in ("social_worker", "early_help_worker") else 1.0 for p in PROFESSIONS]
    for _, orgs in teams:
        professions = rnd.choices(PROFESSIONS, k=len(orgs))
        members.update(professions)
        leads[
            rnd.choices(professions, [lead_pull[PROFESSIONS.index(p)] for p in professions])[0]
        ] += 1
        actions.update(rnd.choices(professions, k=2 * len(orgs)))
        meetings.update(professions)
    return [
        voice.GroupActivity(group=p, memberships=members[p], lead_roles=leads[p],
                            actions_owned=actions[p], meetings_attended=meetings[p])
        for p in PROFESSIONS
    ]  # fmt: skip


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def rebuild(data: dict[str, object]) -> dict[str, object]:
    """One full rebuild: both standard periods' networks and metrics, and the balance of voice."""
    results: dict[str, object] = {}
    for days in net.STANDARD_PERIODS_DAYS:
        period = net.Period.ending(END, days)
        network = net.build_network(
            period=period,
            sectors=data["sectors"],  # type: ignore[arg-type]
            involvements=data["involvements"],  # type: ignore[arg-type]
            referrals=data["referrals"],  # type: ignore[arg-type]
            meetings=data["meetings"],  # type: ignore[arg-type]
        )
        results[f"metrics_{days}"] = net.network_metrics(network)
        results[f"flows_{days}"] = net.referral_flows(network)
    results["voice"] = voice.balance_of_voice(data["voice"])  # type: ignore[arg-type]
    return results


def run(persons: int = 1_000_000, organisations: int = 10_000) -> dict[str, float | int]:
    """Generate, then time one rebuild. Returns the figures printed by `main`."""
    began = time.perf_counter()
    data = generate(persons, organisations)
    generated = time.perf_counter() - began
    rss_after_generate = _peak_rss_mib()
    began = time.perf_counter()
    results = rebuild(data)
    rebuild_seconds = time.perf_counter() - began
    year: net.NetworkMetrics = results["metrics_365"]  # type: ignore[assignment]
    return {
        "persons": persons,
        "organisations": organisations,
        "involvements": len(data["involvements"]),  # type: ignore[arg-type]
        "referrals": len(data["referrals"]),  # type: ignore[arg-type]
        "meetings": len(data["meetings"]),  # type: ignore[arg-type]
        "ties_365": year.ties,
        "density_365": round(year.density, 5),
        "communities_365": len(year.communities),
        "betweenness_approximate": int(year.betweenness_approximate),
        "generate_seconds": round(generated, 1),
        "rebuild_seconds": round(rebuild_seconds, 1),
        "peak_rss_mib_after_generate": round(rss_after_generate),
        "peak_rss_mib": round(_peak_rss_mib()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--organisations", type=int, default=10_000)
    args = parser.parse_args(argv)
    figures = run(args.persons, args.organisations)
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    met = figures["rebuild_seconds"] <= TARGET_SECONDS
    print(f"{'target rebuild_seconds':<{width}}  ≤ {TARGET_SECONDS:.0f} (met: {met})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
