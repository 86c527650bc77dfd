"""Consent, sharing decisions and notices, break-glass, legal holds and who has seen the record."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.db.models.functions import TruncDate

from joinedup.audit.models import AccessEvent, Action
from joinedup.partnership.models import Profession
from joinedup.records.models import LegalHold
from joinedup.records.subject_access.context import ANOTHER_PERSON, _Context
from joinedup.sharing.lawful import LawfulBasis, SpecialCondition, StatutoryDuty
from joinedup.sharing.models import (
    BreakGlass,
    ConsentGiver,
    ConsentRecord,
    SharingDecision,
    SharingNotice,
)


def _consents(ctx: _Context) -> list[dict[str, Any]]:
    records = (
        ConsentRecord.objects.filter(person_id__in=ctx.ids)
        .select_related("withdraws", "recorded_by__organisation")
        .prefetch_related("organisations")
        .order_by("effective_on", "pk")
    )
    return [
        {
            "record_id": str(c.record_id),
            "event": c.get_event_display(),
            "withdraws": str(c.withdraws.record_id) if c.withdraws else None,
            "given_by": c.get_given_by_display(),
            # Security: a parent's or carer's name is theirs, not the subject's.
            "given_by_name": c.given_by_name
            if c.given_by in (ConsentGiver.SELF, ConsentGiver.YOUNG_PERSON)
            else ANOTHER_PERSON,
            "given_by_relationship": c.given_by_relationship,
            "effective_on": c.effective_on,
            "expires_on": c.expires_on,
            "organisations": [o.name for o in c.organisations.all()],
            "sectors": c.sectors,
            "purposes": c.purposes,
            "method": c.get_method_display(),
            "evidence": c.evidence,
            "recorded_by": ctx.by(c.recorded_by),
            "recorded_at": c.recorded_at,
        }
        for c in records
    ]


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _sharing_decisions(ctx: _Context) -> list[dict[str, Any]]:
    decisions = (
        SharingDecision.objects.filter(person_id__in=ctx.ids)
        .select_related("decided_by__organisation")
        .prefetch_related("recipients")
        .order_by("decided_at", "pk")
    )
    return [
        {
            "decision": d.get_choice_display(),
            "what": d.what,
            "categories": d.categories,
            "recipients": [o.name for o in d.recipients.all()]
            + ([d.recipient_other] if d.recipient_other else []),
            "purpose": d.purpose,
            "lawful_basis": _label(LawfulBasis, d.lawful_basis),
            "statutory_duty": _label(StatutoryDuty, d.statutory_duty),
            "special_category_condition": _label(SpecialCondition, d.special_condition),
            "reasons": d.reasons,
            "family_told": d.family_told,
            "decided_by": ctx.by(d.decided_by),
            "decided_at": d.decided_at,
        }
        for d in decisions
    ]


def _sharing_notices(ctx: _Context) -> list[dict[str, Any]]:
    notices = SharingNotice.objects.filter(person_id__in=ctx.ids).select_related(
        "recorded_by__organisation"
    )
    return [
        {
            "notice": n.get_kind_display(),
            "reason": n.reason,
            "recorded_by": ctx.by(n.recorded_by),
            "recorded_at": n.recorded_at,
        }
        for n in notices.order_by("recorded_at", "pk")
    ]


def _break_glass(ctx: _Context) -> list[dict[str, Any]]:
    grants = BreakGlass.objects.filter(person_id__in=ctx.ids).select_related(
        "practitioner__organisation"
    )
    return [
        {
            "opened_at": g.opened_at,
            "ended_at": g.expires_at,
            "by": ctx.by(g.practitioner),
            "reason": g.reason,
            "review": g.get_outcome_display(),
            "reviewed_at": g.reviewed_at,
        }
        for g in grants.order_by("opened_at", "pk")
    ]


def _legal_holds(ctx: _Context) -> list[dict[str, Any]]:
    holds = LegalHold.objects.filter(person_id__in=ctx.ids).order_by("placed_at", "pk")
    return [{"reason": h.reason, "placed_at": h.placed_at, "lifted_at": h.lifted_at} for h in holds]


def _access_history(ctx: _Context) -> list[dict[str, Any]]:
    """Who has accessed the record: each day, organisation, role, action and purpose, counted."""
    rows = (
        AccessEvent.objects.filter(persons__person_id__in=ctx.ids)
        .annotate(day=TruncDate("occurred_at"))
        .values("day", "organisation__name", "actor__profession", "action", "purpose")
        .annotate(times=Count("id", distinct=True))
        .order_by("day", "organisation__name", "actor__profession", "action", "purpose")
    )
    professions, actions = dict(Profession.choices), dict(Action.choices)
    return [
        {
            "date": r["day"],
            "organisation": r["organisation__name"] or "joinedup itself",
            "role": professions.get(r["actor__profession"], "") if r["actor__profession"] else "",
            "action": actions.get(r["action"], r["action"]),
            "purpose": r["purpose"],
            "times": r["times"],
        }
        for r in rows
    ]
