"""What every family page shares: plain words for statuses, and whose account this is."""

from __future__ import annotations

from typing import Any

from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import (
    ActionStatus,
    Episode,
    EpisodeStatus,
    Meeting,
)
from joinedup.family.models import (
    FamilyAccount,
)
from joinedup.partnership.models import Sector
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.sharing.models import ConsentPurpose

# Plain words, for a reading age of about nine.
STATUS_WORDS = {
    ActionStatus.NOT_STARTED: "Not started yet",
    ActionStatus.IN_PROGRESS: "Started",
    ActionStatus.DONE: "Done",
    ActionStatus.NOT_DONE: "Not done",
}
STATUS_TAGS = {
    ActionStatus.NOT_STARTED: "govuk-tag--grey",
    ActionStatus.IN_PROGRESS: "govuk-tag--blue",
    ActionStatus.DONE: "govuk-tag--green",
    ActionStatus.NOT_DONE: "govuk-tag--red",
}
MEETING_WORDS = {Meeting.Kind.TEAM: "Team meeting", Meeting.Kind.REVIEW: "Review meeting"}
JUDGEMENT_WORDS = {"better": "Getting better", "no_change": "No change yet", "worse": "Worse"}
EPISODE_WORDS = {
    EpisodeStatus.OPEN: "Your plan is going on",
    EpisodeStatus.STEPPED_UP: "Your plan is going on, with children's social care",
    EpisodeStatus.STEPPED_DOWN: "Your plan is going on",
    EpisodeStatus.CLOSED: "Your plan has finished",
}
PURPOSE_WORDS = {
    ConsentPurpose.ASSESSMENT: "to understand what help you need",
    ConsentPurpose.PLANNING: "to plan your support together",
    ConsentPurpose.REFERRAL: "to ask another service to help you",
}
SECTOR_WORDS = {
    Sector.STATUTORY: "the council",
    Sector.HEALTH: "health services",
    Sector.EDUCATION: "schools and colleges",
    Sector.POLICE: "the police",
    Sector.JUSTICE: "youth justice",
    Sector.HOUSING: "housing",
    Sector.VOLUNTARY: "charities",
    Sector.COMMUNITY: "community groups",
    Sector.PRIVATE: "private services",
    Sector.MUTUAL: "mutual groups",
}
SOMEONE = "Someone in your team"


def display_name(person: Person) -> str:
    """People's names as the family gives them."""
    return f"{person.preferred_name or person.given_name} {person.family_name}".strip()


def _audit_view(user: Any, episode: Episode | None, page: str, obj: Any = None) -> None:
    account = policy.family_account(user)
    persons = {account.person_id} if account else set()
    if episode is not None:
        persons |= set(episode.persons.values_list("pk", flat=True))
    audit.record(
        actor=user,
        action=AuditAction.VIEW,
        obj=obj if obj is not None else episode,
        persons=persons,
        purpose="family",
        lawful_basis=policy.BASIS_FAMILY_OWN,
        detail={"page": page},
    )


def _account(user: Any) -> FamilyAccount:
    """Security: anyone but an active family account is refused, as a missing page."""
    account = policy.family_account(user)
    if account is None:
        raise policy.refuse(user, object_type="family.page", object_id="", purpose="family")
    return account


# --- Home ---------------------------------------------------------------------------------------


# --- One episode: the plan, the team, meetings --------------------------------------------------


# --- Have your say ------------------------------------------------------------------------------


# --- Consent ------------------------------------------------------------------------------------


# --- The team's side: accounts and what the family told us -------------------------------------
