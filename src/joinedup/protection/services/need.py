"""The child in need part of the statutory record (Children Act 1989 s17): the single assessment,
its authorisation with the factors identified at its end, and child in need plans.

The dates are what the Children in Need census returns, so the rules its validation applies to
them are kept here, where the practitioner can still correct a date: an assessment is not
authorised before it started, only one is under way at a time, and a child in need plan never
runs beside a child protection plan or another child in need plan."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from joinedup.audit.models import Action as AuditAction
from joinedup.errors import ApplicationError
from joinedup.partnership.models import Practitioner, Profession
from joinedup.protection import codes
from joinedup.protection.models import (
    CaseStatus,
    ChildInNeedPlan,
    ProtectionCase,
    SingleAssessment,
)
from joinedup.protection.services.case import PURPOSE, _audit
from joinedup.sharing import policy

FOREVER = date.max


def _unclosed_case(actor: Practitioner, case: ProtectionCase) -> ProtectionCase:
    """Security: only the record's team may change it; others see it as missing. Assessment and
    child in need work go on after a child protection plan ends, until the record closes."""
    policy.require_protection_case(actor, case.pk, PURPOSE)
    locked = ProtectionCase.objects.select_for_update().get(pk=case.pk)
    if locked.status == CaseStatus.STEPPED_DOWN or locked.closed_on is not None:
        raise ApplicationError("This child protection record is closed.", status=409)
    return locked


def _on_or_after_referral(case: ProtectionCase, when: date, field: str, what: str) -> None:
    if when < case.referral_date:
        raise ApplicationError(
            f"{what} cannot be before the referral ({case.referral_date:%-d %B %Y}).", field=field
        )
    if when > timezone.localdate():
        raise ApplicationError(f"{what} cannot be in the future.", field=field)


def _day(value: date) -> str:
    return f"{value:%-d %B %Y}"


# --- The single assessment ---------------------------------------------------------------------


@transaction.atomic
def assessment_start(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    started_on: date,
    social_worker: Practitioner,
    summary: str = "",
) -> SingleAssessment:
    case = _unclosed_case(actor, case)
    if social_worker.profession != Profession.SOCIAL_WORKER:
        raise ApplicationError(
            "The assessment is carried out by a social worker.", field="social_worker"
        )
    _on_or_after_referral(case, started_on, "started_on", "The assessment's start")
    if case.assessments.filter(authorised_on__isnull=True).exists():
        raise ApplicationError(
            "An assessment is already under way: record its authorisation first.",
            field="started_on",
            status=409,
        )
    last = case.assessments.order_by("authorised_on").last()
    if last is not None and last.authorised_on and started_on < last.authorised_on:
        raise ApplicationError(
            f"A new assessment starts on or after the last one was authorised "
            f"({_day(last.authorised_on)}).",
            field="started_on",
        )
    assessment = SingleAssessment.objects.create(
        case=case,
        started_on=started_on,
        social_worker=social_worker,
        summary=summary.strip(),
        recorded_by=actor,
    )
    _audit(actor, AuditAction.CREATE, assessment, case)
    return assessment


def clean_factors(factors: Iterable[str]) -> list[str]:
    """Codes only from the census list, each once; "no factors identified" only alone."""
    chosen = list(dict.fromkeys(str(f).strip().upper() for f in factors if str(f).strip()))
    unknown = [f for f in chosen if f not in codes.ASSESSMENT_FACTORS]
    if unknown:
        raise ApplicationError(
            f"'{unknown[0]}' is not a factor in the census list: choose factors from the list.",
            field="factors",
        )
    if not chosen:
        raise ApplicationError(
            "Choose the factors identified at the end of the assessment, or 'No factors "
            "identified'.",
            field="factors",
        )
    if codes.NO_FACTORS in chosen and len(chosen) > 1:
        raise ApplicationError(
            "Choose either 'No factors identified' or the factors, not both.", field="factors"
        )
    order = list(codes.ASSESSMENT_FACTORS)
    return sorted(chosen, key=order.index)


@transaction.atomic
def assessment_authorise(
    *,
    actor: Practitioner,
    assessment: SingleAssessment,
    authorised_on: date,
    factors: Iterable[str],
    summary: str = "",
) -> SingleAssessment:
    """The assessment ends when a manager authorises it; its factors are recorded then."""
    case = _unclosed_case(actor, assessment.case)
    assessment = SingleAssessment.objects.select_for_update().get(pk=assessment.pk, case=case)
    if not assessment.is_under_way:
        raise ApplicationError(
            "This assessment is already authorised.", field="authorised_on", status=409
        )
    if authorised_on < assessment.started_on:
        raise ApplicationError(
            f"The assessment cannot be authorised before it started "
            f"({_day(assessment.started_on)}).",
            field="authorised_on",
        )
    if authorised_on > timezone.localdate():
        raise ApplicationError("The authorisation cannot be in the future.", field="authorised_on")
    assessment.factors = clean_factors(factors)
    assessment.authorised_on, assessment.authorised_by = authorised_on, actor
    if summary.strip():
        assessment.summary = summary.strip()
    assessment.save(update_fields=["factors", "authorised_on", "authorised_by", "summary"])
    _audit(actor, AuditAction.UPDATE, assessment, case, factors=assessment.factors)
    return assessment


# --- Child in need plans -------------------------------------------------------------------------


def _overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Touching periods do not overlap: one plan may end the day the next starts."""
    return start < (other_end or FOREVER) and other_start < (end or FOREVER)


def _check_cin_plan_period(case: ProtectionCase, start: date, end: date | None) -> None:
    plan = getattr(case, "plan", None)
    if plan is not None and _overlaps(start, end, plan.started_on, plan.ended_on):
        held = f"from {_day(plan.started_on)}"
        if plan.ended_on:
            held += f" to {_day(plan.ended_on)}"
        raise ApplicationError(
            f"A child in need plan cannot run beside the child protection plan ({held}).",
            field="started_on",
        )
    for other in case.cin_plans.all():
        # The census counts a plan starting on the day another ends as overlapping (rule 4014).
        if start <= (other.ended_on or FOREVER) and other.started_on <= (end or FOREVER):
            raise ApplicationError(
                f"This overlaps the child in need plan from {_day(other.started_on)}.",
                field="started_on",
            )


@transaction.atomic
def cin_plan_start(
    *,
    actor: Practitioner,
    case: ProtectionCase,
    started_on: date,
    ended_on: date | None = None,
) -> ChildInNeedPlan:
    case = _unclosed_case(actor, case)
    _on_or_after_referral(case, started_on, "started_on", "The plan's start")
    if ended_on is not None:
        if ended_on < started_on:
            raise ApplicationError(
                f"The plan cannot end before it starts ({_day(started_on)}).", field="ended_on"
            )
        if ended_on > timezone.localdate():
            raise ApplicationError("The plan's end cannot be in the future.", field="ended_on")
    if ended_on is None and case.cin_plans.filter(ended_on__isnull=True).exists():
        raise ApplicationError(
            "A child in need plan is already in force: end it first.",
            field="started_on",
            status=409,
        )
    _check_cin_plan_period(case, started_on, ended_on)
    cin_plan = ChildInNeedPlan.objects.create(
        case=case, started_on=started_on, ended_on=ended_on, recorded_by=actor
    )
    _audit(actor, AuditAction.CREATE, cin_plan, case)
    return cin_plan


@transaction.atomic
def cin_plan_end(*, actor: Practitioner, case: ProtectionCase, ended_on: date) -> ChildInNeedPlan:
    case = _unclosed_case(actor, case)
    cin_plan = case.cin_plans.select_for_update().filter(ended_on__isnull=True).first()
    if cin_plan is None:
        raise ApplicationError(
            "There is no child in need plan in force.", field="ended_on", status=409
        )
    if ended_on < cin_plan.started_on:
        raise ApplicationError(
            f"The plan cannot end before it started ({_day(cin_plan.started_on)}).",
            field="ended_on",
        )
    if ended_on > timezone.localdate():
        raise ApplicationError("The plan's end cannot be in the future.", field="ended_on")
    cin_plan.ended_on = ended_on
    cin_plan.save(update_fields=["ended_on"])
    _audit(actor, AuditAction.UPDATE, cin_plan, case, ended_on=ended_on.isoformat())
    return cin_plan


def cin_plan_close_for(
    actor: Practitioner, case: ProtectionCase, on: date, field: str, why: str
) -> None:
    """Inside another service's transaction: a child protection plan starting, or the record
    closing, ends the child in need plan in force that day. A plan recorded as starting later,
    or ending later, cannot be ended by it and is named instead."""
    for cin_plan in case.cin_plans.select_for_update():
        if cin_plan.ended_on is None and cin_plan.started_on <= on:
            cin_plan.ended_on = on
            cin_plan.save(update_fields=["ended_on"])
            _audit(actor, AuditAction.UPDATE, cin_plan, case, ended_on=on.isoformat(), why=why)
        elif (cin_plan.ended_on or FOREVER) > on:
            raise ApplicationError(
                f"The child in need plan from {_day(cin_plan.started_on)} runs past this date.",
                field=field,
            )
