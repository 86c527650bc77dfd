"""The family's feedback at closure: how much the help made a difference (1 to 5), what helped and
what could be better, in their own words.

A practitioner in the team writes down feedback given in person or by phone; the family give it
online on their own pages, which call the same service. Each family member gives it once for an
episode.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.episodes.models import ClosureFeedback, Episode, EpisodeStatus
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership import notify
from joinedup.people.models import Person
from joinedup.sharing import policy

PURPOSE = "closure feedback"
RECORDED_BY_PRACTITIONER = (ClosureFeedback.How.IN_PERSON, ClosureFeedback.How.PHONE)


def _check_giver(actor: Any, episode: Episode, given_by: Person | None, how: str) -> Person:
    """Who may record whose feedback. Security: anyone else sees the episode as missing."""
    if policy.is_practitioner(actor):
        if not policy.episodes_visible_to(actor).filter(pk=episode.pk).exists():
            raise NotFound()
        if how not in RECORDED_BY_PRACTITIONER:
            raise ApplicationError(
                "Choose in person or by phone: the family give online feedback themselves.",
                field="how",
            )
        if given_by is None:
            raise ApplicationError("Choose who in the family gave the feedback.", field="given_by")
        if not episode.persons.filter(pk=given_by.pk).exists():
            raise ApplicationError("Choose someone in this family.", field="given_by")
        return given_by
    # A family member's own account gives their own feedback, online.
    own = policy.family_person_id(actor)
    if own is None or not episode.persons.filter(pk=own).exists():
        raise NotFound()
    if given_by is not None and given_by.pk != own:
        raise NotFound()
    if how != ClosureFeedback.How.ONLINE:
        raise ApplicationError("Feedback from the family's own pages is online.", field="how")
    return Person.objects.get(pk=own)


def _clean_rating(rating: Any) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if value not in ClosureFeedback.RATINGS:
        raise ApplicationError(
            "Choose how much the help made a difference, from 1 to 5.", field="rating"
        )
    return value


def _clean_date(episode: Episode, given_on: date | None) -> date:
    today = timezone.localdate()
    given_on = given_on or today
    if given_on > today:
        raise ApplicationError("The date must be today or in the past.", field="given_on")
    if given_on < timezone.localtime(episode.opened_at).date():
        raise ApplicationError("The date cannot be before the episode opened.", field="given_on")
    return given_on


@transaction.atomic
def record_closure_feedback(
    *,
    actor: Any,
    episode: Episode,
    how: str,
    rating: Any,
    given_by: Person | None = None,
    what_helped: str = "",
    could_be_better: str = "",
    given_on: date | None = None,
) -> ClosureFeedback:
    """Record one family member's feedback on a closed episode.

    `actor` is a practitioner in the team (how: in person or by phone; `given_by` is the family
    member who gave it), or the family member's own account (how: online; `given_by` is that
    person, or left out). Bad input names the field; a second feedback from the same person
    answers 409; a closed episode only.
    """
    given_by = _check_giver(actor, episode, given_by, how)
    # Serialise feedback on one episode: the once-per-person check cannot race.
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status != EpisodeStatus.CLOSED:
        raise ApplicationError(
            "Feedback is asked for when the episode closes: this one is still open.", status=409
        )
    rating = _clean_rating(rating)
    given_on = _clean_date(episode, given_on)
    if ClosureFeedback.objects.filter(episode=episode, given_by=given_by).exists():
        raise ApplicationError(
            f"{given_by.full_name} has already given feedback on this episode.",
            field="given_by",
            status=409,
        )
    feedback = ClosureFeedback.objects.create(
        episode=episode,
        given_by=given_by,
        how=how,
        rating=rating,
        what_helped=what_helped.strip(),
        could_be_better=could_be_better.strip(),
        given_on=given_on,
        recorded_by=actor if how in RECORDED_BY_PRACTITIONER else None,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        obj=feedback,
        persons=episode.persons.all(),
        purpose=PURPOSE,
        lawful_basis=policy.BASIS_EPISODE,
        detail={"how": how, "rating": rating},
    )
    if episode.lead_professional_id != getattr(actor, "pk", None):
        notify.send(
            [episode.lead_professional],
            subject=f"Family feedback on {episode.reference}",
            body="A family member has said how much the help made a difference.",
            link=reverse("episodes:episode", args=[episode.pk]),
        )
    return feedback


def closure_feedback_for_episode(
    *, user: Any, episode_id: Any
) -> tuple[Episode, list[ClosureFeedback]]:
    """The feedback on an episode, for its team. Security: same 404 as a missing episode."""
    episode = policy.require_episode(user, episode_id, purpose=PURPOSE)
    given = list(episode.closure_feedback.select_related("given_by", "recorded_by"))
    audit.record(
        actor=user,
        action=Action.VIEW,
        object_type="episodes.closurefeedback",
        object_id=str(episode.pk),
        persons=episode.persons.all(),
        purpose=PURPOSE,
        lawful_basis=policy.BASIS_EPISODE,
    )
    return episode, given
