"""The queries behind the access policy's "which may I see": one indexed branch per ground.

Only `joinedup.sharing.policy` uses this module; it decides, this module only asks the database.

Each ground on which a practitioner may see a person, an episode or a request is a small query
served by an index (the organisation's current involvements, the episodes the practitioner leads,
the teams they are a current member of, the front door's open requests, live break-glass), and
the grounds are combined with UNION, never with an OR of subqueries: PostgreSQL cannot use an
index for "EXISTS (...) OR EXISTS (...)" and scans every person instead (docs/benchmarks.md).
The same queries run on SQLite.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from joinedup.episodes.models import Episode, TeamMember
from joinedup.frontdoor.models import RequestForSupport, RequestPerson, RequestStatus
from joinedup.people.models import Involvement, Person
from joinedup.sharing import compiled
from joinedup.sharing.models import BreakGlass

# The grounds for seeing a person, in the order their lawful basis is named: an ordinary basis
# before break-glass, and safeguarding (s47 after step-up) before the team's co-operation.
OWN_INVOLVEMENT = "own_involvement"
SAFEGUARDING = "safeguarding"
EPISODE = "episode"
FRONT_DOOR = "front_door"
BREAK_GLASS = "break_glass"

EpisodePersons = Episode.persons.through


def current_involvements(day: date | None = None) -> QuerySet[Involvement]:
    day = day or timezone.localdate()
    return Involvement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=day), started_on__lte=day
    )


def live_break_glass(user: Any, now: datetime | None = None) -> QuerySet[BreakGlass]:
    """Security: only the holder's grants, and only until they expire."""
    return BreakGlass.objects.filter(practitioner_id=user.pk, expires_at__gt=now or timezone.now())


def _organisation_involvements(user: Any, day: date) -> list[QuerySet[Involvement]]:
    """The reader's organisation's current involvements, as two branches that each read one
    index alone: open-ended ones (a partial index) and those ending today or later."""
    own = Involvement.objects.filter(organisation_id=user.organisation_id, started_on__lte=day)
    return [own.filter(ended_on__isnull=True), own.filter(ended_on__gte=day)]


def _team_persons(user: Any, **episode: Any) -> list[QuerySet[Any]]:
    """The persons of the episodes this practitioner leads, and of the teams they are a current
    member of: two branches, each served by its own index."""
    on_episode = {f"episode__{k}": v for k, v in episode.items()}
    led = EpisodePersons.objects.filter(episode__lead_professional_id=user.pk, **on_episode)
    member = EpisodePersons.objects.filter(
        episode__members__practitioner_id=user.pk,
        episode__members__left_at__isnull=True,
        **on_episode,
    )
    return [led, member]


def _not_closed(branches: list[QuerySet[Any]]) -> list[QuerySet[Any]]:
    return [branch.exclude(episode__status="closed") for branch in branches]


def person_grounds(
    user: Any, *, front_door: bool, day: date | None = None, now: datetime | None = None
) -> list[tuple[str, list[QuerySet[Any]]]]:
    """Each ground for seeing a person (`_ground_names`, in its order), as querysets of rows
    with a `person_id`, built when a query is compiled (sharing/compiled.py)."""
    branches = {
        OWN_INVOLVEMENT: _organisation_involvements(user, day or timezone.localdate()),
        SAFEGUARDING: _team_persons(user, status="stepped_up"),
        EPISODE: _not_closed(_team_persons(user)),
        FRONT_DOOR: [RequestPerson.objects.filter(request__status=RequestStatus.RECEIVED)],
        BREAK_GLASS: [live_break_glass(user, now)],
    }
    return [(name, branches[name]) for name in _ground_names(front_door)]


def _ground_names(front_door: bool) -> list[str]:
    """The grounds a reader may have, in the order their lawful basis is named (see above)."""
    return [
        OWN_INVOLVEMENT,
        SAFEGUARDING,
        EPISODE,
        *([FRONT_DOOR] if front_door else []),
        BREAK_GLASS,
    ]


def _person_ids(branch: QuerySet[Any]) -> QuerySet[Any]:
    return branch.order_by().values("person_id")


def _visible_person_ids(
    user: Any, *, front_door: bool, among: Any = None, day: Any = None, now: Any = None
) -> QuerySet[Any]:
    """`among`: only which of these persons (each branch narrowed to them by its index)."""
    branches = [
        _person_ids(branch if among is None else branch.filter(person_id__any_of=among))
        for ground, ground_branches in person_grounds(user, front_door=front_door, day=day, now=now)
        if ground != SAFEGUARDING
        for branch in ground_branches
    ]
    return branches[0].union(*branches[1:])


def visible_person_ids_sql(user: Any, *, front_door: bool) -> tuple[str, list[Any]]:
    """The ids of every person this user may see, as one UNION of indexed branches: its SQL and
    parameters (for a subquery), compiled once for each shape of reader. Safeguarding is left
    out: its episodes are among the open ones of the episode ground."""
    return compiled.sql(
        ("visible_person_ids", front_door),
        lambda pk, org, day, now: _visible_person_ids(
            _Reader(pk, org), front_door=front_door, day=day, now=now
        ),
        **_reader_values(user),
    )


def visible_among(user: Any, person_ids: list[int], *, front_door: bool) -> set[int]:
    """Which of these persons (not merged into another) this user may see: one query, each
    branch narrowed to them by its index, compiled once for each shape of reader."""

    def build(pk: int, org: int | None, day: date, now: datetime, among: Any) -> QuerySet[Any]:
        grounds = _visible_person_ids(
            _Reader(pk, org), front_door=front_door, among=among, day=day, now=now
        )
        return Person.objects.filter(pk__in=grounds, merged_into__isnull=True).values_list("pk")

    return set(_read(("visible_among", front_door), build, user, among=frozenset(person_ids)))


def person_ground(user: Any, person_id: int, *, front_door: bool) -> str | None:
    """The first ground (in the order above) on which this user may see this person: one query,
    each branch narrowed to the person by its index, compiled once for each shape of reader."""

    def build(pk: int, org: int | None, day: date, now: datetime, person: int) -> QuerySet[Any]:
        grounds = person_grounds(_Reader(pk, org), front_door=front_door, day=day, now=now)
        branches = [
            branch.filter(person_id=person).order_by().annotate(ground=Value(rank)).values("ground")
            for rank, (_, ground_branches) in enumerate(grounds)
            for branch in ground_branches
        ]
        return branches[0].union(*branches[1:])

    ranks = _read(("person_ground", front_door), build, user, person=int(person_id))
    return _ground_names(front_door)[min(ranks)] if ranks else None


def _read(
    shape: tuple[Any, ...], build: Callable[..., QuerySet[Any]], user: Any, **more: Any
) -> list[Any]:
    """The first column of a reader's compiled query (see compiled.sql), with `more` values."""
    return compiled.first_column(shape, build, **_reader_values(user), **more)


class _Reader(NamedTuple):
    """What the grounds read of a practitioner."""

    pk: int
    organisation_id: int | None


def _reader_values(user: Any) -> dict[str, Any]:
    """A reader's values for a compiled query (the organisation only where there is one: a
    practitioner without one is a shape of their own)."""
    return {
        "pk": int(user.pk),
        "org": user.organisation_id,
        "day": timezone.localdate(),
        "now": timezone.now(),
    }


def _episode_ids(user: Any) -> QuerySet[Any]:
    led = Episode.objects.filter(lead_professional_id=user.pk).order_by().values("pk")
    member = (
        TeamMember.objects.filter(practitioner_id=user.pk, left_at__isnull=True)
        .order_by()
        .values("episode_id")
    )
    return led.union(member)


def visible_episode_ids(user: Any) -> RawSQL:
    """The episodes this practitioner leads, and those whose team they are a current member of
    (a subquery, compiled once)."""
    return _subquery(("visible_episode_ids",), _episode_ids, user)


def _request_ids(user: Any, *, front_door: bool) -> QuerySet[Any]:
    requests = RequestForSupport.objects.order_by()
    branches = [
        requests.filter(raised_by_id=user.pk).values("pk"),
        requests.filter(assigned_to_id=user.pk, status=RequestStatus.ROUTED).values("pk"),
    ]
    if front_door:
        branches.append(
            requests.filter(status__in=[RequestStatus.RECEIVED, RequestStatus.DECIDED]).values("pk")
        )
    return branches[0].union(*branches[1:])


def visible_request_ids(user: Any, *, front_door: bool) -> RawSQL:
    """The asker's own requests; those sent to them; the front door's open and decided ones
    (a subquery, compiled once for each shape)."""
    return _subquery(
        ("visible_request_ids", front_door),
        lambda reader: _request_ids(reader, front_door=front_door),
        user,
    )


def _referral_ids(user: Any, *, front_door: bool) -> QuerySet[Any]:
    from joinedup.directory.models import Referral

    referrals = Referral.objects.order_by()
    # The episodes' and requests' own rules, not copies of them.
    branches = [
        referrals.filter(referred_by_id=user.pk),
        referrals.filter(episode_id__in=_episode_ids(user)),
        referrals.filter(request_id__in=_request_ids(user, front_door=front_door)),
    ]
    if user.organisation_id is not None:
        branches.append(referrals.filter(service__organisation__partner_id=user.organisation_id))
    ids = [branch.values("pk") for branch in branches]
    return ids[0].union(*ids[1:])


def visible_referral_ids(user: Any, *, front_door: bool) -> RawSQL:
    """Referrals to services: the referrer's; those of the episodes the practitioner leads or is a
    current member of the team of; those of the requests they may see; those to their own
    organisation's services. One indexed branch each, as for persons (a subquery, compiled once
    for each shape)."""
    return _subquery(
        ("visible_referral_ids", front_door),
        lambda reader: _referral_ids(reader, front_door=front_door),
        user,
        organisation=True,
    )


def _subquery(
    shape: tuple[Any, ...],
    build: Callable[[Any], QuerySet[Any]],
    user: Any,
    *,
    organisation: bool = False,
) -> RawSQL:
    """A reader's ids query, of the practitioner (and their `organisation`) alone, compiled
    once for each shape, as a subquery for `__in`."""
    if organisation:
        found = compiled.sql(
            shape,
            lambda pk, org: build(_Reader(pk, org)),
            pk=int(user.pk),
            org=user.organisation_id,
        )
    else:
        found = compiled.sql(shape, lambda pk: build(_Reader(pk, None)), pk=int(user.pk))
    return RawSQL(*found)  # noqa: S611 - compiled by Django, values as parameters


def ids_of(subquery: RawSQL) -> list[int]:
    """The ids a subquery above finds, read at once."""
    return compiled.read_first_column(subquery.sql, subquery.params)


def in_stepped_up_episode(user: Any, person_ids: list[int]) -> set[int]:
    """Which of these persons are in an episode stepped up to children's social care (s47) that
    this practitioner leads or is a current member of the team of: one query, compiled once."""
    if not person_ids:
        return set()
    return set(stepped_up_read(user, person_ids).first_column())


def stepped_up_read(user: Any, person_ids: list[int]) -> compiled.Read:
    """in_stepped_up_episode's query, to be read with others (compiled.first_columns)."""

    def build(pk: int, among: Any) -> QuerySet[Any]:
        found = EpisodePersons.objects.filter(
            person_id__any_of=among,
            episode__status="stepped_up",
            episode_id__in=_episode_ids(_Reader(pk, None)),
        )
        return found.values_list("person_id")

    values = {"pk": int(user.pk), "among": frozenset(person_ids)}
    return compiled.Read(("stepped_up",), build, values)


def break_glass_among(user: Any, person_ids: list[int]) -> set[int]:
    """Which of these persons this practitioner holds live break-glass for: one query, compiled
    once."""
    if not person_ids:
        return set()
    return set(break_glass_read(user, person_ids).first_column())


def break_glass_read(user: Any, person_ids: list[int]) -> compiled.Read:
    """break_glass_among's query, to be read with others (compiled.first_columns)."""

    def build(pk: int, now: datetime, among: Any) -> QuerySet[Any]:
        grants = live_break_glass(_Reader(pk, None), now).filter(person_id__any_of=among)
        return grants.values_list("person_id")

    values = {"pk": int(user.pk), "now": timezone.now(), "among": frozenset(person_ids)}
    return compiled.Read(("break_glass",), build, values)
