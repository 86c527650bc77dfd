"""Opening an episode: by the front door's decision or by a practitioner already working with
the family."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.chronology import services as chronology
from joinedup.episodes.models import Episode, EpisodeStatus, EpisodeStatusChange
from joinedup.episodes.services.team import add_lead_as_member
from joinedup.errors import ApplicationError
from joinedup.integrations import webhooks
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.people import services as people_services
from joinedup.people.models import Person, PersonKind
from joinedup.sharing import policy


def open_episode_for(persons: list[Person]) -> Episode | None:
    return (
        Episode.objects.filter(persons__in=persons)
        .exclude(status=EpisodeStatus.CLOSED)
        .select_related("lead_professional")
        .order_by("-opened_at")
        .first()
    )


def episode_create(
    *,
    actor: Practitioner,
    persons: list[Person],
    lead_professional: Practitioner,
    origin: str,
    reason: str,
) -> Episode:
    if not policy.is_practitioner(lead_professional):
        raise ApplicationError(
            "The lead professional must be a practitioner.", field="lead_professional"
        )
    episode = Episode.objects.create(
        reference=people_services.new_reference("E"),
        origin=origin,
        lead_professional=lead_professional,
        lead_team=lead_professional.team,
        opened_by=actor,
    )
    episode.persons.set(persons)
    add_lead_as_member(episode, lead_professional)
    chronology.pattern_alerts_adopt(episode=episode)
    EpisodeStatusChange.objects.create(
        episode=episode, status=EpisodeStatus.OPEN, by=actor, reason=reason
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=episode,
        persons=persons,
        purpose="episode",
        lawful_basis=policy.BASIS_EPISODE,
    )
    webhooks.episode_event(event="episode.opened", episode=episode)
    notify.send(
        [lead_professional],
        subject=f"You are lead professional for {episode.reference}",
        body=f"You are the lead professional for episode {episode.reference}.",
        link=reverse("episodes:episode", args=[episode.pk]),
    )
    return episode


@transaction.atomic
def episode_open_practitioner_led(
    *,
    actor: Practitioner,
    persons: list[Person],
    lead_professional: Practitioner | None = None,
    reason: str = "",
) -> Episode:
    """A practitioner already involved with the family opens an episode without the front door."""
    if not any(p.kind == PersonKind.CHILD for p in persons):
        raise ApplicationError("Choose at least one child.", field="persons")
    visible = set(
        policy.persons_visible_to(actor)
        .filter(pk__in=[p.pk for p in persons])
        .values_list("pk", flat=True)
    )
    if visible != {p.pk for p in persons}:
        raise ApplicationError(
            "You can only open an episode for people your organisation works with.", field="persons"
        )
    if open_episode_for(persons) is not None:
        raise ApplicationError(
            "This family already has an open episode.", field="persons", status=409
        )
    return episode_create(
        actor=actor,
        persons=persons,
        lead_professional=lead_professional or actor,
        origin=Episode.Origin.PRACTITIONER_LED,
        reason=reason or "Opened by a practitioner working with the family.",
    )
