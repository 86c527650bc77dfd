"""Every write of partnership health: survey instruments, rounds and answers, prompts
discussed, and starting a rebuild. One use case each, atomic, checked and audited."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, timedelta
from importlib import resources
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.insight import network as net
from joinedup.insight import surveys
from joinedup.insight.models import (
    BuildStatus,
    InsightBuild,
    Prompt,
    PromptDiscussion,
    RoundStatus,
    SurveyAnswered,
    SurveyInstrument,
    SurveyResponse,
    SurveyRound,
)
from joinedup.partnership import notify
from joinedup.partnership.models import Organisation, Practitioner
from joinedup.sharing import policy

PURPOSE = "partnership health"
DONT_KNOW = "dont_know"  # the answer form's value for "don't know"
STALE_BUILD = timedelta(hours=2)  # a running build older than this is taken to have died
MAX_INSTRUMENT_BYTES = 1024 * 1024

# ----------------------------------------------------------------------------- instruments

_parsed: dict[str, surveys.Instrument] = {}


def instrument_parse(stored: SurveyInstrument) -> surveys.Instrument:
    """The stored instrument's text, parsed once per process (the text never changes)."""
    digest = hashlib.sha256(stored.source.encode()).hexdigest()
    if digest not in _parsed:
        _parsed[digest] = surveys.parse_instrument(stored.source)
    return _parsed[digest]


def _instrument_row(parsed: surveys.Instrument, source: str, **extra: Any) -> SurveyInstrument:
    return SurveyInstrument.objects.create(
        key=parsed.key,
        instrument_id=parsed.id,
        version=parsed.version,
        title=parsed.title,
        kind=parsed.kind,
        licence=parsed.licence,
        source=source,
        **extra,
    )


def instruments_shipped_register() -> list[SurveyInstrument]:
    """Store joinedup's open instruments, once: rounds refer to the stored text."""
    folder = resources.files("joinedup.insight") / "instruments"
    stored = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        source = entry.read_text(encoding="utf-8")
        parsed = surveys.parse_instrument(source)
        found = SurveyInstrument.objects.filter(key=parsed.key).first()
        stored.append(found or _instrument_row(parsed, source, shipped=True))
    return stored


def instrument_load(
    *, actor: Practitioner, source: str | bytes, licence_confirmed: bool
) -> SurveyInstrument:
    """A partnership that holds a licence loads another instrument (or a new version).

    The file is refused with the line at fault (surveys.parse_instrument) and nothing is stored.
    """
    policy.require_partnership_manager(actor, object_type="insight.surveyinstrument")
    # Security: checked before the write's transaction, so the refusal's audit event stays.
    with transaction.atomic():
        if isinstance(source, bytes):
            if len(source) > MAX_INSTRUMENT_BYTES:
                raise ApplicationError("The file must be smaller than 1 MB.", field="file")
            try:
                source = source.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ApplicationError("The file must be UTF-8 text.", field="file") from None
        parsed = surveys.parse_instrument(source)
        if not licence_confirmed:
            raise ApplicationError(
                "Confirm that your partnership may use this instrument's wording.",
                field="licence_confirmed",
            )
        existing = SurveyInstrument.objects.filter(key=parsed.key).first()
        if existing is not None:
            if existing.source == source:
                return existing
            raise ApplicationError(
                f"Version {parsed.version} of '{parsed.id}' is already loaded with different "
                "wording. Give the changed file a new `version`.",
                field="file",
                status=409,
            )
        instrument = _instrument_row(parsed, source, loaded_by=actor)
        audit.record(actor=actor, action=Action.CREATE, obj=instrument, purpose=PURPOSE)
        return instrument


# ----------------------------------------------------------------------------- rounds


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "round"
    slug, n = base, 1
    while SurveyRound.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def round_create(
    *,
    actor: Practitioner,
    instrument: SurveyInstrument,
    name: str,
    opens_on: date,
    closes_on: date,
) -> SurveyRound:
    policy.require_partnership_manager(actor, object_type="insight.surveyround")
    # Security: checked before the write's transaction, so the refusal's audit event stays.
    with transaction.atomic():
        name = name.strip()
        if not name:
            raise ApplicationError("Give the round a name.", field="name")
        try:
            net.Period(opens_on, closes_on)
        except ApplicationError as error:
            raise ApplicationError(
                f"The round closes ({closes_on:%-d %B %Y}) before it opens ({opens_on:%-d %B %Y}).",
                field="closes_on",
            ) from error
        if SurveyRound.objects.filter(name__iexact=name).exists():
            raise ApplicationError(
                "A round with this name already exists.", field="name", status=409
            )
        survey_round = SurveyRound.objects.create(
            instrument=instrument,
            name=name,
            slug=_unique_slug(name),
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=actor,
        )
        audit.record(actor=actor, action=Action.CREATE, obj=survey_round, purpose=PURPOSE)
        return survey_round


def _locked(survey_round: SurveyRound) -> SurveyRound:
    return SurveyRound.objects.select_for_update().get(pk=survey_round.pk)


def _link(survey_round: SurveyRound) -> str:
    return reverse("insight:answer", args=[survey_round.slug])


def _practitioners() -> Any:
    return Practitioner.objects.filter(is_active=True, organisation__isnull=False)


def round_open(*, actor: Practitioner, survey_round: SurveyRound) -> SurveyRound:
    """Open the round now and invite every practitioner to answer."""
    policy.require_partnership_manager(
        actor, object_type="insight.surveyround", object_id=survey_round.pk
    )
    # Security: checked before the write's transaction, so the refusal's audit event stays.
    with transaction.atomic():
        survey_round = _locked(survey_round)
        today = timezone.localdate()
        if survey_round.status != RoundStatus.SCHEDULED:
            raise ApplicationError(
                f"This round is already {survey_round.get_status_display().lower()}.", status=409
            )
        if survey_round.closes_on < today:
            raise ApplicationError(
                "The round's closing date has passed: change it before opening.", field="closes_on"
            )
        SurveyRound.objects.filter(pk=survey_round.pk).update(
            status=RoundStatus.OPEN,
            opened_at=timezone.now(),
            opens_on=min(survey_round.opens_on, today),
        )
        survey_round.refresh_from_db()
        notify.send(
            _practitioners(),
            subject=f"Partnership survey: {survey_round.name}",
            body=f"Please answer by {survey_round.closes_on:%-d %B %Y}. Answers are anonymous.",
            link=_link(survey_round),
        )
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=survey_round,
            purpose=PURPOSE,
            detail={"opened": 1},
        )
        return survey_round


def round_close(*, actor: Practitioner, survey_round: SurveyRound) -> SurveyRound:
    policy.require_partnership_manager(
        actor, object_type="insight.surveyround", object_id=survey_round.pk
    )
    # Security: checked before the write's transaction, so the refusal's audit event stays.
    with transaction.atomic():
        survey_round = _locked(survey_round)
        if survey_round.status != RoundStatus.OPEN:
            raise ApplicationError("Only an open round can be closed.", status=409)
        SurveyRound.objects.filter(pk=survey_round.pk).update(
            status=RoundStatus.CLOSED, closed_at=timezone.now()
        )
        survey_round.refresh_from_db()
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=survey_round,
            purpose=PURPOSE,
            detail={"closed": 1},
        )
        return survey_round


def round_remind(*, actor: Practitioner, survey_round: SurveyRound) -> int:
    """Remind every practitioner who has not answered yet; returns how many were reminded."""
    policy.require_partnership_manager(
        actor, object_type="insight.surveyround", object_id=survey_round.pk
    )
    # Security: checked before the write's transaction, so the refusal's audit event stays.
    with transaction.atomic():
        survey_round = _locked(survey_round)
        if not round_answerable(survey_round):
            raise ApplicationError(
                "Reminders can only be sent while the round is open.", status=409
            )
        answered = SurveyAnswered.objects.filter(round=survey_round).values("practitioner_id")
        waiting = list(_practitioners().exclude(pk__in=answered))
        notify.send(
            waiting,
            subject=f"Reminder: partnership survey {survey_round.name}",
            body=f"The survey closes on {survey_round.closes_on:%-d %B %Y}. Answers are anonymous.",
            link=_link(survey_round),
        )
        SurveyRound.objects.filter(pk=survey_round.pk).update(
            reminders_sent=survey_round.reminders_sent + 1, last_reminder_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            obj=survey_round,
            purpose=PURPOSE,
            detail={"reminded": len(waiting)},
        )
        return len(waiting)


def round_answerable(survey_round: SurveyRound, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return (
        survey_round.status == RoundStatus.OPEN
        and survey_round.opens_on <= on <= survey_round.closes_on
    )


# ----------------------------------------------------------------------------- answers


def _clean_answers(
    instrument: surveys.Instrument, answers: Mapping[str, Any]
) -> dict[str, int | None]:
    """Form or JSON answers as scale values; blanks and "don't know" are None."""
    cleaned: dict[str, int | None] = {}
    for item_id, raw in answers.items():
        if raw is None or raw == "" or raw == DONT_KNOW:
            cleaned[str(item_id)] = None
            continue
        if isinstance(raw, bool):
            raise surveys.ResponseError(
                f"The answer to '{item_id}' must be a number.", field=item_id
            )
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise surveys.ResponseError(
                f"The answer to '{item_id}' must be a number on its scale.", field=str(item_id)
            ) from None
        cleaned[str(item_id)] = value
    for item in instrument.items:
        cleaned.setdefault(item.id, None)
    return cleaned


@transaction.atomic
def response_submit(
    *,
    actor: Practitioner,
    survey_round: SurveyRound,
    answers: Mapping[str, Any],
    partner: Organisation | None = None,
) -> None:
    """Store one anonymous response and, separately, that the practitioner has answered.

    Security: the response holds the organisation and sector only; the audit event names the
    round, never the response. A second answer is refused by the database's unique constraint.
    """
    # Locked, so an answer cannot slip in after the round is closed.
    survey_round = _locked(survey_round)
    if not policy.may_answer_surveys(actor) or not round_answerable(survey_round):
        raise ApplicationError("This survey is not open for answers.", status=409)
    instrument = instrument_parse(survey_round.instrument)
    cleaned = _clean_answers(instrument, answers)
    organisation = actor.organisation
    assert organisation is not None  # may_answer_surveys: a practitioner of an organisation
    surveys.validate_response(
        instrument,
        surveys.SurveyResponse(
            respondent="anonymous",
            organisation=organisation.pk,
            sector=organisation.sector,
            round=survey_round.slug,
            answers=cleaned,
            partner=partner.pk if partner else None,
        ),
    )
    if instrument.kind != "relational":
        partner = None
    if all(value is None for value in cleaned.values()):
        raise ApplicationError("Answer at least one question.", field=instrument.items[0].id)
    try:
        with transaction.atomic():
            SurveyAnswered.objects.create(round=survey_round, practitioner=actor, partner=partner)
    except IntegrityError:
        already = f" about {partner.name}" if partner else ""
        raise ApplicationError(
            f"You have already answered this survey{already}.",
            field="partner" if partner else None,
            status=409,
        ) from None
    SurveyResponse.objects.create(
        round=survey_round,
        organisation=organisation,
        sector=organisation.sector,
        partner=partner,
        answers=cleaned,
    )
    audit.record(
        actor=actor,
        action=Action.CREATE,
        object_type="insight.surveyround",
        object_id=str(survey_round.pk),
        purpose="survey answered",
    )


# ----------------------------------------------------------------------------- prompts


def prompt_discuss(
    *,
    actor: Practitioner,
    prompt: Prompt,
    action_agreed: str,
    discussed_on: date | None = None,
) -> PromptDiscussion:
    """Record that a prompt was talked about, and the action the partnership agreed."""
    policy.require_partnership_manager(actor, object_type="insight.prompt", object_id=prompt.pk)
    # Security: checked before the write's transaction, so the refusal's audit event stays.
    with transaction.atomic():
        action_agreed = action_agreed.strip()
        if not action_agreed:
            raise ApplicationError(
                "Say what was agreed (or that no action is needed, and why).", field="action_agreed"
            )
        discussed_on = discussed_on or timezone.localdate()
        if discussed_on > timezone.localdate():
            raise ApplicationError(
                "The discussion date cannot be in the future.", field="discussed_on"
            )
        discussion = PromptDiscussion.objects.create(
            prompt=prompt, action_agreed=action_agreed, discussed_on=discussed_on, recorded_by=actor
        )
        audit.record(actor=actor, action=Action.UPDATE, obj=prompt, purpose=PURPOSE)
        return discussion


# ----------------------------------------------------------------------------- rebuilds


def build_start(*, actor: Practitioner | None, as_of: date | None = None) -> InsightBuild:
    """Start a rebuild in the background (or return the one already running): a job for
    `joinedup worker`, committed with the build's row."""
    if actor is not None:
        policy.require_partnership_manager(actor, object_type="insight.insightbuild")
    running = InsightBuild.objects.filter(
        status=BuildStatus.RUNNING, started_at__gte=timezone.now() - STALE_BUILD
    ).first()
    if running is not None:
        return running
    from joinedup.insight import rebuild
    from joinedup.jobs import tasks

    with transaction.atomic():  # the build and its queued run commit together
        build = InsightBuild.objects.create(
            as_of=as_of or timezone.localdate(), started_by=actor, steps=rebuild.STEPS
        )
        audit.record(actor=actor, action=Action.CREATE, obj=build, purpose=PURPOSE)
        tasks.insight_rebuild.enqueue(build_id=build.pk)
    build.refresh_from_db()
    return build


def build_now(*, as_of: date | None = None) -> InsightBuild:
    """Rebuild in this process (the command line and the demo), returning the finished build."""
    from joinedup.insight import rebuild

    build = InsightBuild.objects.create(
        as_of=as_of or timezone.localdate(), started_by=None, steps=rebuild.STEPS
    )
    audit.record(actor=None, action=Action.CREATE, obj=build, purpose=PURPOSE)
    rebuild.build_run(build_id=build.pk)
    build.refresh_from_db()
    return build
