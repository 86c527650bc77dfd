"""Referrals to the service directory as flows of the ecosystem network.

A referral from an episode to a partner organisation's service is a directed tie from the
referrer's node to the receiving organisation (organisation networks only: the receiving team
and profession are not known). Services of organisations outside the partnership are not nodes
of the network, so referrals to them are counted on the directory's referral page instead.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta

from django.utils import timezone

from joinedup.directory.models import Referral
from joinedup.insight import network as net
from joinedup.insight.models import NodeKind
from joinedup.insight.reading import LOOK_BACK_DAYS, Casework


def _read(casework: Casework) -> list[tuple[int, int, datetime]]:
    cached = getattr(casework, "_directory_referrals", None)
    if cached is None:
        since = casework.as_of - timedelta(days=LOOK_BACK_DAYS)
        cached = list(
            Referral.objects.filter(
                sent_at__date__gte=since, service__organisation__partner__isnull=False
            ).values_list("referred_by_id", "service__organisation__partner_id", "sent_at")
        )
        casework.queries += 1
        casework._directory_referrals = cached  # type: ignore[attr-defined]
    return cached


def referral_rows(casework: Casework, kind: str) -> list[net.Referral]:
    if kind != NodeKind.ORGANISATION:
        return []
    rows = []
    for referred_by, partner, sent_at in _read(casework):
        source: Hashable | None = casework.practitioner_node(kind, referred_by)
        if source is not None and partner in casework.organisations:
            rows.append(net.Referral(source, partner, timezone.localtime(sent_at).date()))
    return rows
