"""Partnership-health rebuild through Django: database read + compute + store, at scale.

insight_bench.py times the pure computation; this loads the same synthetic partnership into the
database (bulk-inserted: organisations, a team each, five practitioners each, persons, families,
involvements, and teams around a tenth of the families that have two or more organisations, with
meetings, actions and requests), then times `joinedup insight-rebuild` over it: reading casework
with values_list, every network (organisations, teams, professions; whole partnership and each
locality; 90 and 365 days), balance of voice, the continuum, surveys, prompts and the store.

    python benchmarks/insight_db_bench.py [--persons 200000] [--organisations 2000]

Runs on a scratch SQLite database unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import insight_bench

BATCH = 5_000
PRACTITIONERS_PER_ORGANISATION = 5
EPISODE_SHARE = 0.1  # of families with two or more organisations
PROFESSIONS = insight_bench.PROFESSIONS


def _bulk(model: Any, rows: Any) -> int:
    """Insert in batches without holding every object at once."""
    made = 0
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, BATCH)):
        model.objects.bulk_create(chunk, batch_size=BATCH)
        made += len(chunk)
    return made


def _tune_sqlite() -> None:
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # a scratch database: speed over durability
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA journal_mode=MEMORY")


def load(persons: int, organisations: int, seed: int = 1) -> dict[str, int]:
    """Bulk-insert the synthetic partnership; returns how many rows of each kind."""
    from django.db import transaction

    _tune_sqlite()
    data = insight_bench.generate(persons, organisations, seed)
    shift = date.today() - insight_bench.END  # the synthetic casework ends today
    with transaction.atomic():
        orgs, teams, staff = _partnership(data["sectors"], organisations)  # type: ignore[arg-type]
        first_person = _people(persons)
        counts = {"organisations": len(orgs), "practitioners": sum(map(len, staff.values()))}
        counts["involvements"] = _involvements(data, orgs, teams, first_person, shift)
        counts.update(_team_work(data, orgs, teams, staff, first_person, shift))
    counts["persons"] = persons
    return counts


def _partnership(
    sectors: dict[str, str], organisations: int
) -> tuple[dict[str, int], dict[int, int], dict[int, list[int]]]:
    from joinedup.partnership.models import Organisation, Practitioner, Team

    hubs = max(1, int(organisations * insight_bench.HUB_SHARE))

    def locality(i: int) -> str:
        return "" if i < hubs else f"Locality {(i - hubs) // insight_bench.LOCALITY_SIZE + 1}"

    _bulk(
        Organisation,
        (
            Organisation(
                code=f"bench-{name}", name=f"Bench {name}", sector=sector, locality=locality(i)
            )
            for i, (name, sector) in enumerate(sectors.items())
        ),
    )
    orgs = dict(Organisation.objects.filter(code__startswith="bench-").values_list("code", "pk"))
    orgs = {code.removeprefix("bench-"): pk for code, pk in orgs.items()}
    _bulk(Team, (Team(organisation_id=pk, name="Bench team") for pk in orgs.values()))
    teams = dict(Team.objects.filter(name="Bench team").values_list("organisation_id", "pk"))
    counter = itertools.count()
    _bulk(
        Practitioner,
        (
            Practitioner(
                username=f"bench{n}@bench.example",
                email=f"bench{n}@bench.example",
                password="!",  # noqa: S106 - an unusable password (no sign-in)
                organisation_id=org,
                team_id=teams[org],
                profession=PROFESSIONS[n % len(PROFESSIONS)],
            )
            for org in orgs.values()
            for n in (next(counter) for _ in range(PRACTITIONERS_PER_ORGANISATION))
        ),
    )
    staff: dict[int, list[int]] = defaultdict(list)
    rows = Practitioner.objects.filter(email__endswith="@bench.example").values_list(
        "organisation_id", "pk"
    )
    for org, pk in rows:
        staff[org].append(pk)
    return orgs, teams, staff


def _people(persons: int) -> dict[int, int]:
    """Persons and families (2.5 persons each); returns each family's first person."""
    from joinedup.people.models import Family, FamilyMember, Person

    families = int(persons / 2.5)
    _bulk(
        Person,
        (
            Person(
                reference=f"B{i:09d}",
                given_name="Bench",
                family_name=f"P{i}",
                kind="child" if i % 2 else "adult",
            )
            for i in range(persons)
        ),
    )
    _bulk(Family, (Family(name=f"Bench family {f}") for f in range(families)))
    person_ids = dict(
        Person.objects.filter(reference__startswith="B").values_list("reference", "pk")
    )
    family_ids = list(
        Family.objects.filter(name__startswith="Bench family ")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _bulk(
        FamilyMember,
        (
            FamilyMember(
                family_id=family_ids[min(int(i / 2.5), families - 1)],
                person_id=person_ids[f"B{i:09d}"],
            )
            for i in range(persons)
        ),
    )
    return {f: person_ids[f"B{int(f * 2.5):09d}"] for f in range(families)}


def _involvements(
    data: dict[str, Any],
    orgs: dict[str, int],
    teams: dict[int, int],
    first_person: dict[int, int],
    shift: timedelta,
) -> int:
    from joinedup.people.models import Involvement

    return _bulk(
        Involvement,
        (
            Involvement(
                organisation_id=orgs[row.organisation],
                team_id=teams[orgs[row.organisation]],
                person_id=first_person[row.family],
                kind="universal",
                service="Support",
                started_on=row.start + shift,
                ended_on=None if row.end is None else row.end + shift,
            )
            for row in data["involvements"]
        ),
    )


def _team_work(
    data: dict[str, Any],
    orgs: dict[str, int],
    teams: dict[int, int],
    staff: dict[int, list[int]],
    first_person: dict[int, int],
    shift: timedelta,
) -> dict[str, int]:
    """Teams around a tenth of the multi-agency families: members, actions, meetings, requests."""
    from joinedup.episodes.models import Action, Attendance, Episode, Meeting, TeamMember
    from joinedup.frontdoor.models import RequestForSupport, RequestPerson, TriageDecision

    by_family: dict[int, list[int]] = defaultdict(list)
    for row in data["involvements"]:
        by_family[row.family].append(orgs[row.organisation])
    chosen = [f for f, o in sorted(by_family.items()) if len(o) >= 2][:: int(1 / EPISODE_SHARE)]
    lead = {f: staff[by_family[f][0]][f % PRACTITIONERS_PER_ORGANISATION] for f in chosen}
    _bulk(
        Episode,
        (
            Episode(
                reference=f"BE{f}",
                origin="triage",
                status="open",
                lead_professional_id=lead[f],
                lead_team_id=teams[by_family[f][0]],
                opened_by_id=lead[f],
            )
            for f in chosen
        ),
    )
    episodes = dict(
        Episode.objects.filter(reference__startswith="BE").values_list("reference", "pk")
    )
    episode_of = {f: episodes[f"BE{f}"] for f in chosen}
    through = Episode.persons.through
    _bulk(through, (through(episode_id=episode_of[f], person_id=first_person[f]) for f in chosen))
    _bulk(
        TeamMember,
        (
            TeamMember(
                episode_id=episode_of[f],
                practitioner_id=staff[org][f % PRACTITIONERS_PER_ORGANISATION],
                role="Member",
            )
            for f in chosen
            for org in dict.fromkeys(by_family[f])
        ),
    )
    members: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, episode, practitioner in TeamMember.objects.filter(
        episode__reference__startswith="BE"
    ).values_list("pk", "episode_id", "practitioner_id"):
        members[episode].append((pk, practitioner))
    today = date.today()
    _bulk(
        Action,
        (
            Action(episode_id=e, owner_id=m, text="Bench action", due_on=today, created_by_id=p)
            for e, team in members.items()
            for m, p in team[:2]
        ),
    )
    wanted = set(chosen)
    meetings = [
        (episode_of[m.meeting[0]], min(m.held_on + shift, today))
        for m in data["meetings"]
        if m.meeting[0] in wanted
    ]
    _bulk(
        Meeting,
        (
            Meeting(episode_id=e, kind="team", held_on=held, recorded_by_id=members[e][0][1])
            for e, held in meetings
        ),
    )
    _bulk(
        Attendance,
        (
            Attendance(meeting_id=m, member_id=pk, status="attended")
            for m, e in Meeting.objects.filter(episode__reference__startswith="BE").values_list(
                "pk", "episode_id"
            )
            for pk, _ in members[e]
        ),
    )
    received = time_now() - timedelta(days=30)
    _bulk(
        RequestForSupport,
        (
            RequestForSupport(
                reference=f"BR{f}",
                status="decided",
                raised_by_id=members[episode_of[f]][-1][1],
                received_at=received,
                episode_id=episode_of[f],
                rating="green",
            )
            for f in chosen
        ),
    )
    requests = dict(
        RequestForSupport.objects.filter(reference__startswith="BR").values_list("reference", "pk")
    )
    _bulk(RequestPerson, (RequestPerson(request_id=requests[f"BR{f}"], person_id=first_person[f])
                          for f in chosen))  # fmt: skip
    _bulk(
        TriageDecision,
        (
            TriageDecision(
                request_id=requests[f"BR{f}"],
                outcome="early_help",
                reasons="Bench",
                decided_by_id=lead[f],
                decided_at=received + timedelta(hours=20),
            )
            for f in chosen
        ),
    )
    return {
        "episodes": len(chosen),
        "team_members": sum(map(len, members.values())),
        "meetings": len(meetings),
    }


def time_now() -> Any:
    from django.utils import timezone

    return timezone.now()


def measure() -> dict[str, Any]:
    """Time one rebuild over whatever the database holds; returns the build's figures."""
    from joinedup.insight import services

    began = time.perf_counter()
    build = services.build_now()
    figures = dict(build.figures)
    figures["rebuild_seconds_wall"] = round(time.perf_counter() - began, 1)
    figures["status"] = build.status
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--organisations", type=int, default=2_000)
    args = parser.parse_args(argv)
    scratch = tempfile.mkdtemp(prefix="joinedup-insight-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
    os.environ.setdefault("JOINEDUP_DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "joinedup.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    counts = load(args.persons, args.organisations)
    print(f"loaded in {time.perf_counter() - began:.0f} s: {counts}")
    figures = measure()
    for key, value in figures.items():
        print(f"{key:<30} {value}")
    return 0 if figures["status"] == "done" else 1


if __name__ == "__main__":
    raise SystemExit(main())
