"""The family's home page: their episodes and next meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from joinedup.episodes.models import (
    Episode,
    EpisodeStatus,
    Meeting,
)
from joinedup.family.models import (
    FamilyAccount,
)
from joinedup.family.selectors.common import EPISODE_WORDS, _account, _audit_view, display_name
from joinedup.people.models import Person
from joinedup.sharing import policy


@dataclass
class EpisodeCard:
    episode: Episode
    opened_on: date
    status_words: str
    lead_name: str
    next_meeting: date | None


@dataclass
class HomeView:
    account: FamilyAccount
    person: Person
    name: str
    address: str
    postcode: str
    episodes: list[EpisodeCard]


def _next_meetings(episodes: list[Episode]) -> dict[int, date | None]:
    latest: dict[int, date | None] = {}
    for meeting in Meeting.objects.filter(episode__in=episodes).order_by("episode_id", "-held_on"):
        latest.setdefault(meeting.episode_id, meeting.next_review_on)
    return latest


def home(*, user: Any) -> HomeView:
    account = _account(user)
    person = account.person
    episodes = list(
        policy.family_episodes_visible_to(user)
        .select_related("lead_professional")
        .order_by("-opened_at")
    )
    next_meetings = _next_meetings(episodes)
    cards = []
    for episode in episodes:
        hidden = policy.family_hidden_organisations(user, episode)
        lead = episode.lead_professional
        cards.append(
            EpisodeCard(
                episode=episode,
                opened_on=timezone.localtime(episode.opened_at).date(),
                status_words=EPISODE_WORDS.get(EpisodeStatus(episode.status), ""),
                lead_name="" if lead.organisation_id in hidden else lead.get_full_name(),
                next_meeting=next_meetings.get(episode.pk)
                if episode.status != EpisodeStatus.CLOSED
                else None,
            )
        )
    withheld = policy.withheld_person_fields(user, person)
    _audit_view(user, None, "home", obj=person)
    return HomeView(
        account=account,
        person=person,
        name=display_name(person),
        address="" if "address" in withheld else person.address,
        postcode="" if "postcode" in withheld else person.postcode,
        episodes=cards,
    )
