"""Advice without naming the family."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import ApplicationError
from joinedup.partnership import notify
from joinedup.partnership.models import Practitioner, Team
from joinedup.sharing import policy
from joinedup.sharing.models import (
    AdviceRequest,
    AdviceStatus,
)
from joinedup.sharing.services.decisions import _organisation_of


@transaction.atomic
def advice_ask(
    *,
    actor: Practitioner,
    situation: str,
    question: str,
    team: Team | None = None,
    colleague: Practitioner | None = None,
) -> AdviceRequest:
    """Describe a situation anonymously and ask the front door (or a colleague) for advice.

    No person is linked, and the audit event names none.
    """
    if not policy.is_practitioner(actor):
        raise ApplicationError("Only practitioners can ask for advice.")
    if team is None and colleague is None:
        raise ApplicationError("Choose who to ask", field="asked_of")
    if colleague is not None and (
        colleague.pk == actor.pk or not policy.is_practitioner(colleague)
    ):
        raise ApplicationError("Choose a colleague other than yourself", field="asked_of")
    if not situation.strip():
        raise ApplicationError("Describe the situation, without names", field="situation")
    if not question.strip():
        raise ApplicationError("Say what you would like advice on", field="question")
    advice = AdviceRequest.objects.create(
        asked_by=actor,
        organisation=_organisation_of(actor),
        asked_of_team=team,
        asked_of=colleague,
        situation=situation.strip(),
        question=question.strip(),
        asked_at=timezone.now(),
    )
    audit.record(actor=actor, action=Action.CREATE, obj=advice, purpose="advice")
    recipients = (
        [colleague]
        if colleague is not None
        else list(Practitioner.objects.filter(team=team, is_active=True))
    )
    notify.send(
        recipients,
        subject="A request for advice",
        body=f"{actor.get_full_name()} ({actor.organisation}) asked for advice. No family named.",
        link=reverse("sharing:advice", args=[advice.pk]),
    )
    return advice


@transaction.atomic
def advice_answer(*, actor: Practitioner, advice: AdviceRequest, text: str) -> AdviceRequest:
    if not policy.may_answer_advice(actor, advice):
        raise policy.refuse(actor, object_type="sharing.advicerequest", object_id=advice.pk)
    if advice.status == AdviceStatus.ANSWERED:
        raise ApplicationError("This request has already been answered", field="advice", status=409)
    if not text.strip():
        raise ApplicationError("Write your advice", field="advice")
    AdviceRequest.objects.filter(pk=advice.pk).update(
        advice=text.strip(),
        status=AdviceStatus.ANSWERED,
        answered_by=actor,
        answered_at=timezone.now(),
    )
    advice.refresh_from_db()
    audit.record(actor=actor, action=Action.UPDATE, obj=advice, purpose="advice")
    notify.send(
        [advice.asked_by],
        subject="Your request for advice has been answered",
        body=f"{actor.get_full_name()} ({actor.organisation}) answered your request for advice.",
        link=reverse("sharing:advice", args=[advice.pk]),
    )
    return advice
