"""Partnership health from referrals: how each receiving organisation answers, with formulas.

Read by partnership managers only (the page asks the policy); no person is named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from django.db.models import Count, Q

from joinedup.directory.models import Referral, ReferralEvent, ReferralStatus

FORMULAS = {
    "acceptance rate": "referrals accepted ÷ referrals answered (accepted + declined)",
    "decline rate": "referrals declined ÷ referrals answered (accepted + declined)",
    "time to first contact": (
        "median, over referrals the organisation has answered, of the days from sending to "
        "the first answer (accepted, declined or started)"
    ),
    "waiting": "referrals sent and not yet answered",
}


@dataclass(frozen=True)
class OrganisationRates:
    organisation: str
    received: int
    accepted: int
    declined: int
    waiting: int
    acceptance_rate: float | None
    decline_rate: float | None
    median_days_to_first_contact: float | None


def rates_by_organisation() -> list[OrganisationRates]:
    """One row per receiving organisation, in three queries however many referrals."""
    accepted = ReferralEvent.objects.filter(status=ReferralStatus.ACCEPTED).values("referral_id")
    declined = ReferralEvent.objects.filter(status=ReferralStatus.DECLINED).values("referral_id")
    counts = (
        Referral.objects.values("service__organisation_id", "service__organisation__name")
        .annotate(
            received=Count("pk"),
            accepted=Count("pk", filter=Q(pk__in=accepted)),
            declined=Count("pk", filter=Q(pk__in=declined)),
            waiting=Count("pk", filter=Q(status=ReferralStatus.SENT)),
        )
        .order_by("service__organisation__name")
    )
    waits: dict[int, list[float]] = {}
    for org, sent, first in Referral.objects.filter(first_contact_at__isnull=False).values_list(
        "service__organisation_id", "sent_at", "first_contact_at"
    ):
        assert first is not None  # filtered above
        waits.setdefault(org, []).append((first - sent).total_seconds() / 86400)
    rows = []
    for c in counts:
        answered = c["accepted"] + c["declined"]
        days = waits.get(c["service__organisation_id"])
        rows.append(
            OrganisationRates(
                organisation=c["service__organisation__name"],
                received=c["received"],
                accepted=c["accepted"],
                declined=c["declined"],
                waiting=c["waiting"],
                acceptance_rate=c["accepted"] / answered if answered else None,
                decline_rate=c["declined"] / answered if answered else None,
                median_days_to_first_contact=round(median(days), 1) if days else None,
            )
        )
    return rows
