"""Reading the casework the rebuild needs, as plain rows, in a constant number of queries.

Every read is one `values_list` over a whole table (filtered to the longest period), so the
number of queries does not grow with the partnership: no per-family or per-episode lookups.
Nothing here names a child or a family: families are numbers, used only to group rows.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from joinedup.episodes.models import (
    Action,
    Attendance,
    Disagreement,
    Episode,
    LeadHandover,
    Meeting,
    TeamDecision,
    TeamMember,
)
from joinedup.frontdoor.models import RequestForSupport, RequestPerson, TriageDecision
from joinedup.insight import network as net
from joinedup.insight.models import NodeKind
from joinedup.partnership.models import Organisation, Practitioner, Profession, Team
from joinedup.people.models import FamilyMember, Involvement

# Days read before the longest period: re-referrals look back twelve months from each request.
LOOK_BACK_DAYS = 365 * 2


@dataclass(frozen=True, slots=True)
class NodeInfo:
    label: str
    sector: str
    locality: str


@dataclass(frozen=True, slots=True)
class EpisodeRow:
    family: int
    opened_on: date
    closed_on: date | None
    lead: int


@dataclass(frozen=True, slots=True)
class MemberRow:
    episode: int
    practitioner: int
    joined_on: date
    left_on: date | None


@dataclass
class Casework:
    """Everything the rebuild reads, keyed by ids; `queries` counts the reads made."""

    as_of: date
    organisations: dict[int, tuple[str, str, str]]  # id → (name, sector, locality)
    teams: dict[int, tuple[str, int]]  # id → (name, organisation id)
    practitioners: dict[int, tuple[int, int | None, str]]  # id → (organisation, team, profession)
    involvements: list[tuple[int, int, int | None, int | None, date, date | None]]
    # ↑ (family, organisation, team, contact practitioner, started_on, ended_on)
    episodes: dict[int, EpisodeRow]
    members: dict[int, MemberRow]
    handovers: list[tuple[int, int, date]]  # (episode, from practitioner, on)
    actions: list[tuple[int, int, int | None, date]]  # (member, episode, outcome, created_on)
    meetings: dict[int, tuple[int, date]]  # id → (episode, held_on)
    attendance: list[tuple[int, int]]  # (meeting, member), attended only
    decisions: list[tuple[int, date]]  # (taken by, taken_on)
    disagreements: list[tuple[int, date, bool | None]]  # (member, raised_on, upheld)
    requests: list[tuple[int, int, date, int | None]]  # (id, raised by, received_on, episode)
    request_families: dict[int, set[int]]  # request id → families it is about
    answers: list[tuple[int, date, float]]  # (decided by, decided_on, days from receipt)
    queries: int = 0
    _nodes: dict[str, dict[Hashable, NodeInfo]] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ nodes

    def practitioner_node(self, kind: str, practitioner: int) -> Hashable | None:
        row = self.practitioners.get(practitioner)
        if row is None:
            return None
        organisation, team, profession = row
        if kind == NodeKind.ORGANISATION:
            return organisation
        return team if kind == NodeKind.TEAM else profession

    def nodes(self, kind: str) -> dict[Hashable, NodeInfo]:
        """Every node of this kind, tied or not, with its label, sector and locality."""
        if kind not in self._nodes:
            self._nodes[kind] = _nodes(self, kind)
        return self._nodes[kind]

    # ------------------------------------------------------------------ network rows

    def family_rows(self, kind: str) -> list[net.Involvement]:
        """Who worked with which family when: involvements and team memberships."""
        rows = []
        for family, organisation, team, contact, start, end in self.involvements:
            node: Hashable | None = organisation if kind == NodeKind.ORGANISATION else team
            if kind == NodeKind.PROFESSION:
                node = self.practitioner_node(kind, contact) if contact else None
            if node is not None:
                rows.append(net.Involvement(family, node, start, end))
        for member in self.members.values():
            node = self.practitioner_node(kind, member.practitioner)
            episode = self.episodes.get(member.episode)
            if node is not None and episode is not None:
                rows.append(net.Involvement(episode.family, node, member.joined_on, member.left_on))
        return rows

    def referral_rows(self, kind: str) -> list[net.Referral]:
        """A request raised by one node that became an episode led by another."""
        rows = []
        for _, raised_by, received_on, episode_id in self.requests:
            episode = self.episodes.get(episode_id) if episode_id else None
            if episode is None:
                continue
            source = self.practitioner_node(kind, raised_by)
            target = self.practitioner_node(kind, episode.lead)
            if source is not None and target is not None:
                rows.append(net.Referral(source, target, received_on))
        return rows

    def meeting_rows(self, kind: str) -> list[net.MeetingAttendance]:
        present: dict[int, set[Hashable]] = defaultdict(set)
        for meeting, member_id in self.attendance:
            member = self.members.get(member_id)
            node = self.practitioner_node(kind, member.practitioner) if member else None
            if node is not None:
                present[meeting].add(node)
        return [
            net.MeetingAttendance(meeting, frozenset(nodes), self.meetings[meeting][1])
            for meeting, nodes in present.items()
            if meeting in self.meetings
        ]


def _nodes(casework: Casework, kind: str) -> dict[Hashable, NodeInfo]:
    orgs = casework.organisations
    if kind == NodeKind.ORGANISATION:
        return {
            pk: NodeInfo(name, sector, locality) for pk, (name, sector, locality) in orgs.items()
        }
    if kind == NodeKind.TEAM:
        return {
            pk: NodeInfo(f"{name} ({orgs[org][0]})", orgs[org][1], orgs[org][2])
            for pk, (name, org) in casework.teams.items()
            if org in orgs
        }
    # A profession is drawn in the sector most of its practitioners work in.
    sectors: dict[str, Counter[str]] = defaultdict(Counter)
    for org, _, profession in casework.practitioners.values():
        if org in orgs:
            sectors[profession][orgs[org][1]] += 1
    labels = dict(Profession.choices)
    return {
        code: NodeInfo(labels.get(code, code), counts.most_common(1)[0][0], "")
        for code, counts in sorted(sectors.items())
    }


# ----------------------------------------------------------------------------- reading


def _day(value: datetime | None) -> date | None:
    return timezone.localtime(value).date() if value is not None else None


def _family_of(rows: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Each person's family (the lowest family id, when they belong to more than one)."""
    family: dict[int, int] = {}
    for person, fam in rows:
        if person not in family or fam < family[person]:
            family[person] = fam
    return family


def read_casework(*, as_of: date, longest_days: int = max(net.STANDARD_PERIODS_DAYS)) -> Casework:
    """All rows for periods ending `as_of`, the longest `longest_days` long."""
    start = as_of - timedelta(days=longest_days - 1)
    since = as_of - timedelta(days=LOOK_BACK_DAYS)
    reader = _Reader()
    families = _family_of(reader.rows(FamilyMember.objects.all(), "person_id", "family_id"))

    def family(person: int) -> int:
        # A person outside any family is a family of one (negative, so ids never collide).
        return families.get(person, -person)

    involvements = [
        (family(person), org, team, contact, started, ended)
        for person, org, team, contact, started, ended in reader.rows(
            Involvement.objects.filter(started_on__lte=as_of).filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=start)
            ),
            "person_id",
            "organisation_id",
            "team_id",
            "contact_id",
            "started_on",
            "ended_on",
        )
    ]
    in_window = Episode.objects.filter(opened_at__date__lte=as_of).filter(
        Q(closed_at__isnull=True) | Q(closed_at__date__gte=since)
    )
    episodes = _episodes(reader, family, in_window)
    members = {
        pk: MemberRow(episode, practitioner, _day(joined) or as_of, _day(left))
        for pk, episode, practitioner, joined, left in reader.rows(
            TeamMember.objects.filter(practitioner__isnull=False, episode__in=in_window),
            "pk",
            "episode_id",
            "practitioner_id",
            "joined_at",
            "left_at",
        )
        if episode in episodes
    }
    casework = Casework(
        as_of=as_of,
        organisations={
            pk: (name, sector, locality)
            for pk, name, sector, locality in reader.rows(
                Organisation.objects.all(), "pk", "name", "sector", "locality"
            )
        },
        teams={
            pk: (name, org)
            for pk, name, org in reader.rows(Team.objects.all(), "pk", "name", "organisation_id")
        },
        practitioners={
            pk: (org, team, profession)
            for pk, org, team, profession in reader.rows(
                Practitioner.objects.filter(organisation__isnull=False),
                "pk",
                "organisation_id",
                "team_id",
                "profession",
            )
        },
        involvements=involvements,
        episodes=episodes,
        members=members,
        **_team_work(reader, in_window, start, as_of),
        **_requests(reader, family, since, as_of),
    )
    casework.queries = reader.queries
    return casework


class _Reader:
    """values_list with a count of the queries made (one per call)."""

    def __init__(self) -> None:
        self.queries = 0

    def rows(self, queryset: QuerySet[Any], *fields: str) -> Iterator[Any]:
        self.queries += 1
        return queryset.order_by().values_list(*fields).iterator(chunk_size=20_000)


def _episodes(
    reader: _Reader, family: Callable[[int], int], in_window: QuerySet[Episode]
) -> dict[int, EpisodeRow]:
    persons: dict[int, int] = {}
    for episode, person in reader.rows(
        Episode.persons.through.objects.filter(episode__in=in_window), "episode_id", "person_id"
    ):
        fam = family(person)
        persons[episode] = min(persons.get(episode, fam), fam)
    rows = reader.rows(
        in_window,
        "pk",
        "opened_at",
        "closed_at",
        "lead_professional_id",
    )
    return {
        pk: EpisodeRow(
            persons.get(pk, -(10**12) - pk), timezone.localtime(opened).date(), _day(closed), lead
        )
        for pk, opened, closed, lead in rows
    }


def _team_work(
    reader: _Reader, in_window: QuerySet[Episode], start: date, as_of: date
) -> dict[str, Any]:
    meetings = {
        pk: (episode, held)
        for pk, episode, held in reader.rows(
            Meeting.objects.filter(episode__in=in_window, held_on__gte=start, held_on__lte=as_of),
            "pk",
            "episode_id",
            "held_on",
        )
    }
    attendance = [
        (meeting, member)
        for meeting, member in reader.rows(
            Attendance.objects.filter(
                status=Attendance.Status.ATTENDED,
                meeting__held_on__gte=start,
                meeting__held_on__lte=as_of,
            ),
            "meeting_id",
            "member_id",
        )
        if meeting in meetings
    ]
    return {
        "handovers": [
            (episode, who, _day(at) or as_of)
            for episode, who, at in reader.rows(
                LeadHandover.objects.filter(from_practitioner__isnull=False, at__date__gte=start),
                "episode_id",
                "from_practitioner_id",
                "at",
            )
        ],
        "actions": [
            (owner, episode, outcome, _day(created) or as_of)
            for owner, episode, outcome, created in reader.rows(
                Action.objects.filter(episode__in=in_window),
                "owner_id",
                "episode_id",
                "outcome_id",
                "created_at",
            )
        ],
        "meetings": meetings,
        "attendance": attendance,
        "decisions": [
            (who, _day(at) or as_of)
            for who, at in reader.rows(
                TeamDecision.objects.filter(taken_at__date__gte=start),
                "taken_by_id",
                "taken_at",
            )
        ],
        "disagreements": [
            (member, _day(at) or as_of, upheld)
            for member, at, upheld in reader.rows(
                Disagreement.objects.filter(raised_at__date__gte=start),
                "raised_by_id",
                "raised_at",
                "upheld",
            )
        ],
    }


def _requests(
    reader: _Reader, family: Callable[[int], int], since: date, as_of: date
) -> dict[str, Any]:
    received = RequestForSupport.objects.filter(
        received_at__isnull=False, received_at__date__gte=since, received_at__date__lte=as_of
    )
    requests = [
        (pk, raised_by, _day(at) or as_of, episode)
        for pk, raised_by, at, episode in reader.rows(
            received, "pk", "raised_by_id", "received_at", "episode_id"
        )
    ]
    about: dict[int, set[int]] = defaultdict(set)
    for request, person in reader.rows(
        RequestPerson.objects.filter(request__in=received), "request_id", "person_id"
    ):
        about[request].add(family(person))
    answers = []
    for who, decided, received_at in reader.rows(
        TriageDecision.objects.filter(decided_at__date__gte=since, decided_at__date__lte=as_of),
        "decided_by_id",
        "decided_at",
        "request__received_at",
    ):
        if received_at is not None and decided is not None:
            days = max(0.0, (decided - received_at).total_seconds() / 86_400)
            answers.append((who, _day(decided) or as_of, days))
    return {"requests": requests, "request_families": dict(about), "answers": answers}
