"""Every write of the outcomes app: measurements in two voices, needs mapped to headline
outcomes, the successful-outcome rule. Each is atomic and writes its audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from joinedup.assessments.models import Assessment
from joinedup.audit import services as audit
from joinedup.audit.models import Action as AuditAction
from joinedup.episodes.models import Episode, Meeting, WantedOutcome
from joinedup.errors import ApplicationError
from joinedup.outcomes.models import (
    SCORE_MAX,
    SCORE_MIN,
    SUPPORTING_FAMILIES,
    IdentifiedNeed,
    Measurement,
    OutcomeCategory,
    SuccessRule,
    Voice,
)
from joinedup.sharing import policy

NOTE_MAX = 500


def _audit(actor: Any, action: str, obj: Any, episode: Episode, basis: Any, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=obj,
        persons=episode.persons.all(),
        purpose="outcomes",
        lawful_basis=basis,
        detail=detail,
    )


def _int(value: Any, field: str, message: str) -> int:
    if isinstance(value, bool):
        raise ApplicationError(message, field=field)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ApplicationError(message, field=field) from None
    return number


def _score(value: Any) -> int:
    message = f"Give a score from {SCORE_MIN} to {SCORE_MAX}."
    score = _int(value, "score", message)
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise ApplicationError(message, field="score")
    return score


def _measured_on(episode: Episode, value: date | None, field: str = "measured_on") -> date:
    if value is None:
        raise ApplicationError("Enter the date.", field=field)
    if value > timezone.localdate():
        raise ApplicationError("The date cannot be in the future.", field=field)
    opened = timezone.localtime(episode.opened_at).date()
    if value < opened:
        raise ApplicationError(
            f"The date cannot be before the episode opened ({opened:%-d %B %Y}).",
            field=field,
        )
    return value


def _outcome(episode: Episode, outcome_id: Any) -> WantedOutcome:
    number = _int(outcome_id, "outcome", "Choose an outcome from this episode's plan.")
    found = WantedOutcome.objects.filter(pk=number, episode=episode).first()
    if found is None:
        # Security: an outcome of another episode answers as a missing one, naming the field.
        raise ApplicationError("Choose an outcome from this episode's plan.", field="outcome")
    return found


def _note(text: str | None) -> str:
    note = (text or "").strip()
    if "\x00" in note:
        raise ApplicationError("The note contains a character that cannot be kept.", field="note")
    if len(note) > NOTE_MAX:
        raise ApplicationError(f"Keep the note under {NOTE_MAX} characters.", field="note")
    return note


def _meeting(episode: Episode, meeting_id: Any) -> Meeting | None:
    if meeting_id in (None, ""):
        return None
    number = _int(meeting_id, "meeting", "Choose a meeting of this episode.")
    found = Meeting.objects.filter(pk=number, episode=episode).first()
    if found is None:
        raise ApplicationError("Choose a meeting of this episode.", field="meeting")
    return found


@dataclass(frozen=True)
class Score:
    """One answer on a form: an outcome, its score and a short note."""

    outcome_id: int
    score: Any
    note: str = ""


def _create(
    *,
    actor: Any,
    episode: Episode,
    score: Score,
    voice: str,
    person_id: int | None,
    measured_on: date | None,
    meeting: Meeting | None,
    picture_scale: bool,
) -> Measurement:
    return Measurement.objects.create(
        episode=episode,
        outcome=_outcome(episode, score.outcome_id),
        voice=voice,
        score=_score(score.score),
        note=_note(score.note),
        measured_on=_measured_on(episode, measured_on),
        meeting=meeting,
        person_id=person_id,
        picture_scale=picture_scale,
        recorded_by=actor,
    )


def _family_person(episode: Episode, person_id: Any) -> int:
    number = _int(person_id, "person", "Choose the family member whose view this is.")
    if not policy.family_participants(episode).filter(pk=number).exists():
        raise ApplicationError("Choose the family member whose view this is.", field="person")
    return number


@transaction.atomic
def measurements_record(
    *,
    actor: Any,
    episode_id: Any,
    scores: list[Score],
    measured_on: date | None,
    voice: str = Voice.PRACTITIONER,
    person_id: Any = None,
    meeting_id: Any = None,
) -> list[Measurement]:
    """The team records scores (its own view, or a family member's view as they gave it at a
    meeting). A closed episode still takes scores: follow-ups show whether change lasted."""
    episode = policy.require_episode(actor, episode_id, purpose="outcomes")
    if voice not in Voice.values:
        raise ApplicationError("Choose whose view this is.", field="voice")
    if not scores:
        raise ApplicationError("Give at least one score.", field="score")
    person = _family_person(episode, person_id) if voice == Voice.FAMILY else None
    if voice == Voice.PRACTITIONER and person_id not in (None, ""):
        raise ApplicationError("The team's view is not a family member's.", field="person")
    meeting = _meeting(episode, meeting_id)
    made = [
        _create(
            actor=actor,
            episode=episode,
            score=s,
            voice=voice,
            person_id=person,
            measured_on=measured_on,
            meeting=meeting,
            picture_scale=False,
        )
        for s in scores
    ]
    for m in made:
        _audit(actor, AuditAction.CREATE, m, episode, policy.BASIS_EPISODE, voice=voice)
    return made


@transaction.atomic
def family_measurement_record(
    *, actor: Any, episode_id: Any, score: Score, picture_scale: bool = False
) -> Measurement:
    """A family member's own view, on their own pages: always theirs, always dated today."""
    episode = policy.require_family_episode(actor, episode_id, purpose="outcomes")
    account = policy.family_account(actor)
    assert account is not None  # require_family_episode refuses anyone else
    made = _create(
        actor=actor,
        episode=episode,
        score=score,
        voice=Voice.FAMILY,
        person_id=account.person_id,
        measured_on=timezone.localdate(),
        meeting=None,
        picture_scale=picture_scale,
    )
    _audit(actor, AuditAction.CREATE, made, episode, policy.BASIS_FAMILY_OWN, voice="family")
    return made


def _headline(headline_id: Any) -> OutcomeCategory:
    message = "Choose a Supporting Families headline outcome."
    number = _int(headline_id, "headline", message)
    found = OutcomeCategory.objects.filter(pk=number, framework__code=SUPPORTING_FAMILIES).first()
    if found is None:
        raise ApplicationError(message, field="headline")
    return found


@transaction.atomic
def need_record(
    *,
    actor: Any,
    episode_id: Any,
    headline_id: Any,
    outcome_ids: list[Any],
    identified_on: date | None,
    note: str = "",
    assessment_id: Any = None,
) -> IdentifiedNeed:
    """A need identified at assessment, under one headline outcome, with the plan's outcomes
    that answer it."""
    episode = policy.require_episode(actor, episode_id, purpose="outcomes")
    if not policy.may_edit_episode(actor, episode):
        raise ApplicationError("This episode is closed.", status=409)
    headline = _headline(headline_id)
    if IdentifiedNeed.objects.filter(episode=episode, headline=headline).exists():
        raise ApplicationError(
            "A need under this headline is already recorded.", field="headline", status=409
        )
    outcomes = [_outcome(episode, o) for o in outcome_ids]
    assessment = None
    if assessment_id not in (None, ""):
        number = _int(assessment_id, "assessment", "Choose an assessment of this episode.")
        assessment = Assessment.objects.filter(pk=number, episode=episode).first()
        if assessment is None:
            raise ApplicationError("Choose an assessment of this episode.", field="assessment")
    need = IdentifiedNeed.objects.create(
        episode=episode,
        headline=headline,
        assessment=assessment,
        note=_note(note),
        identified_on=_measured_on(episode, identified_on or timezone.localdate(), "identified_on"),
        recorded_by=actor,
    )
    need.outcomes.set(outcomes)
    _audit(actor, AuditAction.CREATE, need, episode, policy.BASIS_EPISODE, headline=headline.code)
    return need


def success_rule() -> SuccessRule:
    """The partnership's rule: the one row, made with the defaults the first time."""
    rule = SuccessRule.objects.order_by("pk").first()
    return rule if rule is not None else SuccessRule.objects.create()
