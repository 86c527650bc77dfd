"""The family's own pages: what a family account may see. Part of the access policy.

Import these names through `joinedup.sharing.policy`, which re-exports them; the decisions below
are the policy's, kept in their own module so that each file stays readable.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.episodes.models import Episode, TeamMember
from joinedup.partnership.models import Sector
from joinedup.people.models import Person
from joinedup.sharing.lawful import Basis, LawfulBasis, StatutoryDuty
from joinedup.sharing.models import ConsentRecord, FamilyWithholding
from joinedup.sharing.shares import same_person_ids
from joinedup.sharing.visibility import current_involvements


def _policy() -> Any:
    """The policy module, imported when first needed (it imports this one)."""
    from joinedup.sharing import policy

    return policy


# The family's own pages ---------------------------------------------------------------------
#
# A family account (joinedup.family) is a user with no organisation, tied to one person: it is
# never a practitioner, so every practitioner page and API route refuses it. What it may see is
# decided here and nowhere else.
#
# Decided: a family member sees an episode while they take part in it, that is while they are
#   - one of the episode's persons, or
#   - a family member in its team, or
#   - someone with parental responsibility for a child in it (the front door opens an episode
#     for the child, so parents are often not among its persons).
# A closed episode stays visible for FAMILY_CLOSED_EPISODE_DAYS after it closed, so the family
# can see what happened and say how it went; after that, a subject access request is the route.
#
# A family member may see: the plan (wanted outcomes, actions with who, when and status, including
# their own), the team (name, organisation, part in the team, work contact), meetings (date, kind,
# whether the family came, what the family said, decisions, how each outcome is going), and their
# own consent records, the team's scores of how things are and their own. Never: a meeting's
# notes, an action's notes or the notes beside the team's scores (practitioners' own), the
# involvement index or its sensitive categories, assessments, the chronology, incidents,
# disagreements, requests, another person's comments or scores (a separated parent never reads
# the other parent's view of how things are), and another person's address when it is
# confidential (always ask may_see_address). Some team members are not shown either (see
# family_hidden_organisations): one whose organisation provides a sensitive service to someone
# else in the family (their name would tell of that service), and one from a school, GP,
# nursery, landlord or local group working with someone whose address is withheld from the
# reader (their name would tell where that person is: the classic refuge failure, by another
# route).

FAMILY_CLOSED_EPISODE_DAYS = 183
FAMILY_YOUNG_PERSON_MIN_AGE = 12
FAMILY_WITHHELD_MEETING_FIELDS = frozenset({"notes"})
BASIS_FAMILY_OWN = Basis(
    LawfulBasis.PUBLIC_TASK, StatutoryDuty.CA2004_S10, source="the family's own information"
)


def family_account(user: Any) -> Any | None:
    """The user's family account while it may be used (activated, not revoked), or None."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "organisation_id", None):
        return None
    if not getattr(user, "is_active", False):
        return None
    try:
        account = user.family_account
    except (ObjectDoesNotExist, AttributeError):
        return None
    if account.revoked_at is not None or account.activated_at is None:
        return None
    return account


def is_family(user: Any) -> bool:
    return family_account(user) is not None


def _taking_part(person_id: Any) -> Q:
    """A filter on Episode: the person takes part in it (see the decision above)."""
    from joinedup.people.models import Relationship

    in_episode = Episode.persons.through.objects.filter(
        episode_id=OuterRef("pk"), person_id=person_id
    )
    in_team = TeamMember.objects.filter(
        episode_id=OuterRef("pk"), person_id=person_id, left_at__isnull=True
    )
    children = Relationship.objects.filter(
        person_id=person_id,
        parental_responsibility=True,
        relative__kind="child",
        ended_on__isnull=True,
    ).values("relative_id")
    their_child = Episode.persons.through.objects.filter(
        episode_id=OuterRef("pk"), person_id__in=children
    )
    withheld = FamilyWithholding.objects.filter(
        episode_id=OuterRef("pk"), person_id=person_id, ended_at__isnull=True
    )
    return (Q(Exists(in_episode)) | Q(Exists(in_team)) | Q(Exists(their_child))) & ~Q(
        Exists(withheld)
    )


def family_participants(episode: Episode, *, withheld_too: bool = False) -> QuerySet[Person]:
    """Everyone who takes part in an episode as family (the same rule, from the other side);
    with `withheld_too`, also those the team decided not to share it with (for the team's own
    page about the family's accounts)."""
    from joinedup.people.models import Relationship

    children = episode.persons.filter(kind="child")
    responsible = Relationship.objects.filter(
        person_id=OuterRef("pk"),
        relative__in=children,
        parental_responsibility=True,
        ended_on__isnull=True,
    )
    in_team = TeamMember.objects.filter(
        episode=episode, person_id=OuterRef("pk"), left_at__isnull=True
    )
    people = Person.objects.filter(
        Q(episodes=episode) | Q(Exists(in_team)) | Q(Exists(responsible))
    ).distinct()
    if withheld_too:
        return people
    return people.exclude(
        pk__in=FamilyWithholding.objects.filter(episode=episode, ended_at__isnull=True).values(
            "person_id"
        )
    )


def family_withholding_suggested(episode: Episode, person: Person) -> bool:
    """Suggest not sharing an episode with someone in the family when it protects another
    person's confidential address (a refuge) and they do not live there themselves."""
    if person.address_confidential:
        return False
    return (
        family_participants(episode, withheld_too=True)
        .filter(address_confidential=True)
        .exclude(pk=person.pk)
        .exists()
    )


def family_episodes_visible_to(user: Any) -> QuerySet[Episode]:
    account = family_account(user)
    if account is None:
        return Episode.objects.none()
    closed_long_ago = timezone.now() - timedelta(days=FAMILY_CLOSED_EPISODE_DAYS)
    return (
        Episode.objects.filter(_taking_part(account.person_id))
        .exclude(status="closed", closed_at__lt=closed_long_ago)
        .exclude(status="closed", closed_at__isnull=True)
    )


def require_family_episode(user: Any, episode_id: Any, purpose: str = "family") -> Episode:
    """Security: an episode the family member does not take part in answers as a missing one."""
    found = None
    if family_account(user) is not None:
        try:
            found = family_episodes_visible_to(user).filter(pk=int(episode_id)).first()
        except (TypeError, ValueError):
            found = None
    if found is None:
        raise _policy().refuse(
            user, object_type="episodes.episode", object_id=episode_id, purpose=purpose
        )
    return found


def family_may_be_invited(person: Person, episode: Episode) -> bool:
    """A parent or carer taking part, or a young person of FAMILY_YOUNG_PERSON_MIN_AGE or more."""
    if not Episode.objects.filter(_taking_part(person.pk), pk=episode.pk).exists():
        return False
    if person.kind != "child":
        return True
    age = person.age_on(timezone.localdate())
    return age is not None and age >= FAMILY_YOUNG_PERSON_MIN_AGE


# Sectors whose work with someone tells where they are: a school or nursery, a GP practice or
# clinic, a landlord, a local group or provider.
FAMILY_LOCATING_SECTORS = frozenset(
    {Sector.EDUCATION, Sector.HEALTH, Sector.HOUSING, Sector.COMMUNITY, Sector.PRIVATE}
)


def family_hidden_organisations(user: Any, episode: Episode) -> frozenset[int]:
    """Organisations whose membership of the team this family member may not know of:
    - those providing a sensitive service (sexual or mental health, substance use, domestic
      abuse, criminal justice, immigration) to someone else in the family, unless they work with
      the family member too;
    - those in a locating sector working with someone whose address is withheld from the family
      member (a refuge: the children's new school or GP would say where they are)."""
    account = family_account(user)
    if account is None:
        return frozenset()
    others = list(family_participants(episode).exclude(pk=account.person_id))
    involvements = current_involvements().filter(person__in=others)
    sensitive = set(
        involvements.exclude(sensitive_category="").values_list("organisation_id", flat=True)
    )
    own = current_involvements().filter(person_id=account.person_id)
    sensitive -= set(own.values_list("organisation_id", flat=True))
    own_home = (account.person.address, account.person.postcode)
    # Someone living at the reader's own address (their household) is no secret to them.
    may_see_address = _policy().may_see_address
    withheld = [
        p.pk
        for p in others
        if not may_see_address(user, p) and (not p.postcode or (p.address, p.postcode) != own_home)
    ]
    locating = involvements.filter(
        person_id__in=withheld, organisation__sector__in=FAMILY_LOCATING_SECTORS
    ).values_list("organisation_id", flat=True)
    return frozenset(sensitive | set(locating))


def family_team_visible_to(user: Any, episode: Episode) -> QuerySet[TeamMember]:
    """The current team as this family member may know it: practitioners (but see
    family_hidden_organisations) and the family's own members of this episode."""
    if family_account(user) is None:
        return TeamMember.objects.none()
    hidden = family_hidden_organisations(user, episode)
    return (
        TeamMember.objects.filter(episode=episode, left_at__isnull=True)
        .exclude(practitioner__organisation_id__in=hidden)
        .select_related("practitioner__organisation", "practitioner__team", "person")
    )


def family_owns_action(user: Any, action: Any) -> bool:
    """An action whose owner is the family member themselves, in the team of its episode."""
    account = family_account(user)
    return (
        account is not None
        and action.owner.person_id == account.person_id
        and action.owner.episode_id == action.episode_id
    )


def family_consent_visible_to(user: Any) -> QuerySet[ConsentRecord]:
    """The family member's own consent records (about them), given and withdrawn."""
    account = family_account(user)
    if account is None:
        return ConsentRecord.objects.none()
    return ConsentRecord.objects.filter(person_id__in=same_person_ids(account.person_id))


def family_may_read_words(user: Any, meeting: Any) -> bool:
    """What someone in the family said at a meeting: the speaker sees their own words; the rest
    of the family only what the team shared. Words nobody is named for stay with the team."""
    account = family_account(user)
    if account is None or not meeting.family_said:
        return False
    return bool(meeting.family_said_shared or meeting.family_said_by_id == account.person_id)


def family_may_read_measurement(user: Any, measurement: Any) -> bool:
    """A score of how things are: the team's, and the reader's own view. Another family
    member's view is theirs alone, even when the team wrote it down for them at a meeting."""
    account = family_account(user)
    if account is None:
        return False
    return measurement.voice == "practitioner" or measurement.person_id == account.person_id


def family_may_read_measurement_note(user: Any, measurement: Any) -> bool:
    """The note beside a score: only the reader's own words. The team's notes are the
    practitioners' own, as a meeting's notes are."""
    account = family_account(user)
    return (
        account is not None
        and measurement.voice == "family"
        and measurement.person_id == account.person_id
    )


def family_may_read_decision(user: Any, decision: Any) -> bool:
    """Only decisions the team marked as shared with the family; internal ones never."""
    return family_account(user) is not None and bool(decision.shared_with_family)
