"""Assessments: started from the newest version of a template, written domain by domain (each
step saved), completed, and shared with the family. Services and selectors, through the policy.

Optimistic locking: every save names the version it was based on; a stale save is refused with a
409 and nothing is written, so the practitioner's text stays in their form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.assessments.models import (
    SCALE_MAX,
    SCALE_MIN,
    Assessment,
    AssessmentStatus,
    AssessmentTemplate,
)
from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.core.locking import lock_at_version
from joinedup.episodes.models import Episode, Meeting
from joinedup.episodes.services import lead_professional_hand_over
from joinedup.errors import ApplicationError, NotFound
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner
from joinedup.sharing import policy

DEFAULT_TEMPLATE_NAME = "Early help assessment"


def _factor(code: str, title: str) -> dict[str, str]:
    return {"code": code, "title": title}


DEFAULT_DEFINITION: dict[str, Any] = {
    "domains": [
        {
            "code": "child_development",
            "title": "The child's development",
            "factors": [
                _factor("health", "Health"),
                _factor("emotional_behavioural", "Emotional and behavioural development"),
                _factor("identity_self_esteem", "Identity and self-esteem"),
                _factor("family_social_relationships", "Family and social relationships"),
                _factor("self_care_independence", "Self-care and independence"),
                _factor("learning_education", "Learning and education"),
            ],
        },
        {
            "code": "parents_carers",
            "title": "Parents and carers",
            "factors": [
                _factor("basic_care_safety", "Basic care and safety"),
                _factor("emotional_warmth_stability", "Emotional warmth and stability"),
                _factor("guidance_boundaries", "Guidance, boundaries and stimulation"),
            ],
        },
        {
            "code": "family_environment",
            "title": "Family and environment",
            "factors": [
                _factor("family_history_functioning", "Family history and functioning"),
                _factor("wider_family", "Wider family"),
                _factor("housing_work_money", "Housing, work and money"),
                _factor("community_resources", "Community resources"),
            ],
        },
    ]
}

# The steps after the domains: the family's own words, then the practitioners' analysis.
VIEWS_STEP, ANALYSIS_STEP = "views", "analysis"


def ensure_default_template(model: Any = AssessmentTemplate) -> Any:
    """Idempotent: the early-help template, version 1. `model` lets a data migration pass its
    historical model."""
    template, _ = model.objects.get_or_create(
        name=DEFAULT_TEMPLATE_NAME, version=1, defaults={"definition": DEFAULT_DEFINITION}
    )
    return template


def current_template() -> AssessmentTemplate:
    """The newest active version of the default template (or of any template, if renamed)."""
    active = AssessmentTemplate.objects.filter(is_active=True).order_by("-version", "-pk")
    template = active.filter(name=DEFAULT_TEMPLATE_NAME).first() or active.first()
    return template or ensure_default_template()


def steps(template: AssessmentTemplate) -> list[tuple[str, str]]:
    """(code, title) of every step, in order."""
    return [(d["code"], d["title"]) for d in template.domains] + [
        (VIEWS_STEP, "The family's views"),
        (ANALYSIS_STEP, "Analysis"),
    ]


def step_saved(assessment: Assessment, step: str) -> bool:
    """Whether anything has been written in a step yet (for the draft's task list)."""
    if step == VIEWS_STEP:
        return bool(assessment.child_words or assessment.carers_words)
    if step == ANALYSIS_STEP:
        return bool(assessment.analysis)
    found = domain(assessment.template, step) or {"factors": []}
    return any(
        any(
            (assessment.factors.get(f["code"]) or {}).get(k) not in ("", None)
            for k in ("strengths", "needs", "scale")
        )
        for f in found["factors"]
    )


def domain(template: AssessmentTemplate, code: str) -> dict[str, Any] | None:
    return next((d for d in template.domains if d["code"] == code), None)


# --- Services --------------------------------------------------------------------------------


def _editable(actor: Practitioner, episode: Episode) -> None:
    """Security: only the team may write; others see the episode as missing."""
    if not policy.episodes_visible_to(actor).filter(pk=episode.pk).exists():
        raise NotFound()
    if not policy.may_edit_episode(actor, episode):
        raise ApplicationError("This episode is closed.", status=409)


def _audit(actor: Practitioner, action: str, assessment: Assessment, **detail: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        obj=assessment,
        persons=assessment.episode.persons.all(),
        purpose="assessment",
        lawful_basis=policy.BASIS_EPISODE,
        detail=detail,
    )


def _locked(assessment: Assessment, expected_version: int | None) -> Assessment:
    """Re-read under lock; refuse a save based on a version someone else has changed."""
    return lock_at_version(
        Assessment.objects.select_related("template"),
        assessment.pk,
        expected_version,
        changed="Someone else saved this assessment while you were working on it. Your changes "
        "have not been saved: they are still in the form. Check the assessment and save again.",
    )


def _bump(assessment: Assessment, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(assessment, name, value)
    assessment.version += 1
    assessment.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def assessment_start(*, actor: Practitioner, episode: Episode) -> Assessment:
    _editable(actor, episode)
    if episode.assessments.filter(status=AssessmentStatus.DRAFT).exists():
        raise ApplicationError(
            "This family already has a draft assessment: carry on with that one.", status=409
        )
    assessment = Assessment.objects.create(
        episode=episode, template=current_template(), started_by=actor
    )
    _audit(actor, Action.CREATE, assessment, template_version=assessment.template.version)
    return assessment


def _clean_factor(code: str, values: dict[str, Any]) -> dict[str, Any]:
    scale = values.get("scale")
    if scale in ("", None):
        scale = None
    else:
        try:
            scale = int(scale)
        except (TypeError, ValueError):
            scale = -1
        if not SCALE_MIN <= scale <= SCALE_MAX:
            raise ApplicationError(
                f"The scale must be a whole number from {SCALE_MIN} to {SCALE_MAX}.",
                field=f"{code}_scale",
            )
    return {
        "strengths": str(values.get("strengths") or "").strip(),
        "needs": str(values.get("needs") or "").strip(),
        "scale": scale,
    }


def _draft(actor: Practitioner, assessment: Assessment, expected_version: int | None) -> Any:
    _editable(actor, assessment.episode)
    locked = _locked(assessment, expected_version)
    if not locked.is_draft:
        raise ApplicationError("This assessment is completed and can no longer change.", status=409)
    return locked


@transaction.atomic
def assessment_save_domain(
    *,
    actor: Practitioner,
    assessment: Assessment,
    domain_code: str,
    factors: dict[str, dict[str, Any]],
    expected_version: int | None = None,
) -> Assessment:
    """Save one domain's factors: {factor code: {"strengths", "needs", "scale"}}."""
    assessment = _draft(actor, assessment, expected_version)
    found = domain(assessment.template, domain_code)
    if found is None:
        raise ApplicationError("There is no such part of this assessment.", field="domain")
    known = {f["code"] for f in found["factors"]}
    unknown = set(factors) - known
    if unknown:
        raise ApplicationError(f"Unknown factor {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    answers = dict(assessment.factors)
    for code in known:
        answers[code] = _clean_factor(code, factors.get(code, {}))
    _bump(assessment, factors=answers)
    _audit(actor, Action.UPDATE, assessment, step=domain_code)
    return assessment


@transaction.atomic
def assessment_save_views(
    *,
    actor: Practitioner,
    assessment: Assessment,
    child_words: str,
    carers_words: list[dict[str, str]],
    expected_version: int | None = None,
) -> Assessment:
    """The child's own words and each parent's or carer's words: [{"who", "words"}]."""
    assessment = _draft(actor, assessment, expected_version)
    cleaned = []
    for number, item in enumerate(carers_words, start=1):
        who, words = str(item.get("who", "")).strip(), str(item.get("words", "")).strip()
        if words and not who:
            raise ApplicationError(
                "Say whose words these are (for example, 'Mum').", field=f"carer_{number}_who"
            )
        if who:
            cleaned.append({"who": who, "words": words})
    _bump(assessment, child_words=child_words.strip(), carers_words=cleaned)
    _audit(actor, Action.UPDATE, assessment, step=VIEWS_STEP)
    return assessment


@transaction.atomic
def assessment_save_analysis(
    *, actor: Practitioner, assessment: Assessment, analysis: str, expected_version: int | None
) -> Assessment:
    assessment = _draft(actor, assessment, expected_version)
    _bump(assessment, analysis=analysis.strip())
    _audit(actor, Action.UPDATE, assessment, step=ANALYSIS_STEP)
    return assessment


def missing_for_completion(assessment: Assessment) -> tuple[str, str] | None:
    """(field, message) of the first thing a completed assessment must have, or None."""
    for d in assessment.template.domains:
        filled = [
            f
            for f in d["factors"]
            if (assessment.factors.get(f["code"]) or {}).get("strengths")
            or (assessment.factors.get(f["code"]) or {}).get("needs")
        ]
        if not filled:
            first = d["factors"][0]["code"]
            return f"{first}_strengths", f"Record strengths or needs in '{d['title']}'."
    if not assessment.child_words:
        return "child_words", "Record the child's own words (or why they could not be heard)."
    if not assessment.analysis:
        return "analysis", "Write the practitioners' analysis."
    return None


@transaction.atomic
def assessment_complete(
    *, actor: Practitioner, assessment: Assessment, expected_version: int | None = None
) -> Assessment:
    """Complete: the template version is kept. Whoever completes it holds the lead until the
    first meeting agrees who."""
    assessment = _draft(actor, assessment, expected_version)
    missing = missing_for_completion(assessment)
    if missing:
        raise ApplicationError(missing[1], field=missing[0])
    _bump(
        assessment,
        status=AssessmentStatus.COMPLETED,
        completed_by=actor,
        completed_at=timezone.now(),
    )
    _audit(actor, Action.UPDATE, assessment, completed=True)
    episode = Episode.objects.get(pk=assessment.episode_id)
    no_meeting_yet = not Meeting.objects.filter(episode=episode).exists()
    if no_meeting_yet and episode.lead_professional_id != actor.pk:
        lead_professional_hand_over(
            actor=actor,
            episode=episode,
            to=actor,
            reason="Completed the assessment: holds the lead until the first meeting agrees who.",
        )
    return assessment


@transaction.atomic
def assessment_share(
    *,
    actor: Practitioner,
    assessment: Assessment,
    shared_how: str,
    expected_version: int | None = None,
) -> Assessment:
    _editable(actor, assessment.episode)
    assessment = _locked(assessment, expected_version)
    if assessment.status != AssessmentStatus.COMPLETED:
        raise ApplicationError(
            "Only a completed assessment, not yet shared, can be shared.", status=409
        )
    if not shared_how.strip():
        raise ApplicationError(
            "Say how it was shared (for example, 'went through it with Mum at home').",
            field="shared_how",
        )
    _bump(
        assessment,
        status=AssessmentStatus.SHARED,
        shared_by=actor,
        shared_at=timezone.now(),
        shared_how=shared_how.strip(),
    )
    _audit(actor, Action.UPDATE, assessment, shared=True)
    notify.send(
        [assessment.episode.lead_professional],
        subject=f"Assessment shared with the family in {assessment.episode.reference}",
        body="The completed assessment has been shared with the family.",
        link=reverse("assessments:assessment", args=[assessment.episode_id, assessment.pk]),
    )
    return assessment


# --- Selectors -------------------------------------------------------------------------------


@dataclass
class FactorView:
    code: str
    title: str
    strengths: str
    needs: str
    scale: int | None


@dataclass
class DomainView:
    code: str
    title: str
    factors: list[FactorView]


def domains_of(assessment: Assessment) -> list[DomainView]:
    return [
        DomainView(
            d["code"],
            d["title"],
            [
                FactorView(
                    f["code"],
                    f["title"],
                    (assessment.factors.get(f["code"]) or {}).get("strengths", ""),
                    (assessment.factors.get(f["code"]) or {}).get("needs", ""),
                    (assessment.factors.get(f["code"]) or {}).get("scale"),
                )
                for f in d["factors"]
            ],
        )
        for d in assessment.template.domains
    ]


def _audit_read(user: Any, episode: Episode, obj: Any = None, what: str = "") -> None:
    audit.record(
        actor=user,
        action=Action.VIEW,
        obj=obj,
        object_type=what,
        object_id=str(episode.pk) if obj is None else "",
        persons=episode.persons.all(),
        purpose="assessment",
        lawful_basis=policy.BASIS_EPISODE,
    )


def assessments_for_episode(*, user: Any, episode_id: Any) -> tuple[Episode, list[Assessment]]:
    episode = policy.require_episode(user, episode_id, purpose="assessment")
    found = list(
        episode.assessments.select_related("template", "started_by", "completed_by", "shared_by")
    )
    _audit_read(user, episode, what="assessments.assessments")
    return episode, found


def assessment_get(*, user: Any, episode_id: Any, assessment_id: Any) -> Assessment:
    """Security: an assessment of an episode the user may not see answers as a missing one."""
    episode = policy.require_episode(user, episode_id, purpose="assessment")
    try:
        assessment = (
            episode.assessments.select_related(
                "episode", "template", "started_by", "completed_by", "shared_by"
            )
            .filter(pk=int(assessment_id))
            .first()
        )
    except (TypeError, ValueError):
        assessment = None
    if assessment is None:
        raise NotFound()
    _audit_read(user, episode, obj=assessment)
    return assessment


def may_edit(user: Any, assessment: Assessment) -> bool:
    return assessment.is_draft and policy.may_edit_episode(user, assessment.episode)
