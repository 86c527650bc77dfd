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

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet, Value
from django.utils import timezone

from joinedup.episodes.models import Episode, TeamMember
from joinedup.frontdoor.models import RequestForSupport, RequestPerson, RequestStatus
from joinedup.people.models import Involvement
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


def live_break_glass(user: Any) -> QuerySet[BreakGlass]:
    """Security: only the holder's grants, and only until they expire."""
    return BreakGlass.objects.filter(practitioner_id=user.pk, expires_at__gt=timezone.now())


def _organisation_involvements(user: Any) -> list[QuerySet[Involvement]]:
    """The reader's organisation's current involvements, as two branches that each read one
    index alone: open-ended ones (a partial index) and those ending today or later."""
    day = timezone.localdate()
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


def person_grounds(user: Any, *, front_door: bool) -> list[tuple[str, list[QuerySet[Any]]]]:
    """Each ground for seeing a person, as querysets of rows with a `person_id`."""
    grounds: list[tuple[str, list[QuerySet[Any]]]] = [
        (OWN_INVOLVEMENT, _organisation_involvements(user)),
        (SAFEGUARDING, _team_persons(user, status="stepped_up")),
        (EPISODE, _not_closed(_team_persons(user))),
    ]
    if front_door:
        open_requests = RequestPerson.objects.filter(request__status=RequestStatus.RECEIVED)
        grounds.append((FRONT_DOOR, [open_requests]))
    grounds.append((BREAK_GLASS, [live_break_glass(user)]))
    return grounds


def _person_ids(branch: QuerySet[Any]) -> QuerySet[Any]:
    return branch.order_by().values("person_id")


def visible_person_ids(
    user: Any, *, front_door: bool, among: list[int] | None = None
) -> QuerySet[Any]:
    """The ids of every person this user may see, as one UNION of indexed branches (a subquery).
    Safeguarding is left out: its episodes are among the open ones of the episode ground.
    `among`: only which of these persons (each branch narrowed to them by its index)."""
    branches = [
        _person_ids(branch if among is None else branch.filter(person_id__in=among))
        for ground, ground_branches in person_grounds(user, front_door=front_door)
        if ground != SAFEGUARDING
        for branch in ground_branches
    ]
    return branches[0].union(*branches[1:])


def person_ground(user: Any, person_id: int, *, front_door: bool) -> str | None:
    """The first ground (in the order above) on which this user may see this person: one query,
    each branch narrowed to the person by its index."""
    grounds = person_grounds(user, front_door=front_door)
    branches = [
        branch.filter(person_id=person_id).order_by().annotate(ground=Value(rank)).values("ground")
        for rank, (_, ground_branches) in enumerate(grounds)
        for branch in ground_branches
    ]
    ranks = set(branches[0].union(*branches[1:]).values_list("ground", flat=True))
    return grounds[min(ranks)][0] if ranks else None


def visible_episode_ids(user: Any) -> QuerySet[Any]:
    """The episodes this practitioner leads, and those whose team they are a current member of."""
    led = Episode.objects.filter(lead_professional_id=user.pk).order_by().values("pk")
    member = (
        TeamMember.objects.filter(practitioner_id=user.pk, left_at__isnull=True)
        .order_by()
        .values("episode_id")
    )
    return led.union(member)


def visible_request_ids(user: Any, *, front_door: bool) -> QuerySet[Any]:
    """The asker's own requests; those sent to them; the front door's open and decided ones."""
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


def visible_referral_ids(user: Any, *, front_door: bool) -> QuerySet[Any]:
    """Referrals to services: the referrer's; those of the episodes the practitioner leads or is a
    current member of the team of; those of the requests they may see; those to their own
    organisation's services. One indexed branch each, as for persons."""
    from joinedup.directory.models import Referral

    referrals = Referral.objects.order_by()
    # The episodes' and requests' own rules, not copies of them.
    branches = [
        referrals.filter(referred_by_id=user.pk),
        referrals.filter(episode_id__in=visible_episode_ids(user)),
        referrals.filter(request_id__in=visible_request_ids(user, front_door=front_door)),
    ]
    if user.organisation_id is not None:
        branches.append(referrals.filter(service__organisation__partner_id=user.organisation_id))
    ids = [branch.values("pk") for branch in branches]
    return ids[0].union(*ids[1:])


def in_stepped_up_episode(user: Any, person_ids: list[int]) -> set[int]:
    """Which of these persons are in an episode stepped up to children's social care (s47) that
    this practitioner leads or is a current member of the team of: one query."""
    rows = visible_episode_ids(user)
    found = EpisodePersons.objects.filter(
        person_id__in=person_ids, episode__status="stepped_up", episode_id__in=rows
    )
    return set(found.values_list("person_id", flat=True))
