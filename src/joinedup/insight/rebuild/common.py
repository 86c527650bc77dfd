"""What every step of the rebuild shares: periods, groupings, limits and the rows it reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from joinedup.insight import network as net
from joinedup.insight import referral_flows
from joinedup.insight.reading import Casework

PERIODS = net.STANDARD_PERIODS_DAYS
GROUPINGS = ("profession", "sector")
STORED_TIES = 5_000  # the strongest ties kept for the whole partnership (exports, API)
LOCALITY_TIES = 500
COMMUNITY_MEMBERS_LISTED = 12
FLOWS_LISTED = 50
CONTINUUM_PAIRS_KEPT = 2_000

Progress = Callable[[str], None]


# ----------------------------------------------------------------------------- computing


@dataclass
class Computed:
    networks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = field(default_factory=list)
    voices: list[dict[str, Any]] = field(default_factory=list)
    continua: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)
    trends: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Rows:
    families: net.InvolvementColumns  # read once, filtered for each period
    referrals: list[net.Referral]
    meetings: list[net.MeetingAttendance]


def _rows(casework: Casework, kind: str) -> _Rows:
    # Requests that became episodes, and referrals into the service directory.
    referrals = casework.referral_rows(kind) + referral_flows.referral_rows(casework, kind)
    families = net.InvolvementColumns.of(casework.family_rows(kind))
    return _Rows(families, referrals, casework.meeting_rows(kind))


# ----------------------------------------------------------------------------- networks


# ----------------------------------------------------------------------------- voice


# ----------------------------------------------------------------------------- continuum


# ----------------------------------------------------------------------------- surveys


# ----------------------------------------------------------------------------- prompts


# ----------------------------------------------------------------------------- storing
