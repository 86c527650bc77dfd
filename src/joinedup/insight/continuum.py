"""The integration continuum: networking → coordinating → cooperating → collaborating.

A team around a family, or a pair of organisations, is placed at the highest stage whose
observable signal is present in the period (Himmelman's continuum):

- networking: information exchanged;
- coordinating: actions in one shared plan;
- cooperating: joint actions or referrals between them;
- collaborating: joint meetings and outcomes owned together (both).

The stages are not required to be reached in order: a pair that meets and owns outcomes together
is collaborating even if no information exchange was recorded separately.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from enum import IntEnum

from joinedup.errors import ApplicationError


class Stage(IntEnum):
    NONE = 0
    NETWORKING = 1
    COORDINATING = 2
    COOPERATING = 3
    COLLABORATING = 4

    @property
    def label(self) -> str:
        return self.name.capitalize() if self is not Stage.NONE else "No joint work"


@dataclass(frozen=True)
class Signals:
    """Counts of observable joint work in a period, for one team or one pair of organisations."""

    information_exchanged: int = 0
    shared_plan_actions: int = 0
    joint_actions: int = 0
    referrals: int = 0
    joint_meetings: int = 0
    shared_outcomes: int = 0

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value < 0:
                raise ApplicationError(f"{name} cannot be negative.", field=name)


@dataclass(frozen=True)
class StageRule:
    """The minimum count of each signal that counts as present (all 1 by default)."""

    information_exchanged: int = 1
    shared_plan_actions: int = 1
    joint_actions: int = 1
    referrals: int = 1
    joint_meetings: int = 1
    shared_outcomes: int = 1


DEFAULT_RULE = StageRule()


def classify(signals: Signals, rule: StageRule = DEFAULT_RULE) -> Stage:
    """The highest stage whose signal is present (see the module docstring for the rule)."""
    if (
        signals.joint_meetings >= rule.joint_meetings
        and signals.shared_outcomes >= rule.shared_outcomes
    ):
        return Stage.COLLABORATING
    if signals.joint_actions >= rule.joint_actions or signals.referrals >= rule.referrals:
        return Stage.COOPERATING
    if signals.shared_plan_actions >= rule.shared_plan_actions:
        return Stage.COORDINATING
    if signals.information_exchanged >= rule.information_exchanged:
        return Stage.NETWORKING
    return Stage.NONE


# The relational survey rates collaboration 0–5 (none, networking, cooperation, coordination,
# coalition, collaboration). Its cooperation (informal help, separate decisions) matches the
# continuum's coordinating, its coordination (shared resources, defined roles) cooperating, and
# coalition and collaboration both sit at collaborating. Placing them by rank keeps that meaning.
SURVEY_LEVEL_TO_STAGE = {
    0: Stage.NONE,
    1: Stage.NETWORKING,
    2: Stage.COORDINATING,
    3: Stage.COOPERATING,
    4: Stage.COLLABORATING,
    5: Stage.COLLABORATING,
}


def stage_from_survey_level(level: float) -> Stage:
    """A (possibly averaged) survey rating 0–5 placed on the continuum, rounding halves up."""
    if not 0 <= level <= 5:
        raise ApplicationError("A level of collaboration runs from 0 to 5.", field="level")
    return SURVEY_LEVEL_TO_STAGE[int(level + 0.5)]


@dataclass(frozen=True)
class ContinuumComparison:
    """Observed stage beside how each side rates the relationship (None: not rated)."""

    subject: Hashable  # a team (family) id, or a pair (organisation a, organisation b)
    observed: Stage
    rated_by_a: Stage | None
    rated_by_b: Stage | None

    @property
    def largest_gap(self) -> int:
        """Stages between what is observed and the furthest rating (0 when not rated)."""
        gaps = [abs(r - self.observed) for r in (self.rated_by_a, self.rated_by_b) if r is not None]
        return max(gaps, default=0)


def compare(
    subject: Hashable,
    signals: Signals,
    *,
    level_rated_by_a: float | None = None,
    level_rated_by_b: float | None = None,
    rule: StageRule = DEFAULT_RULE,
) -> ContinuumComparison:
    """Place a pair on the continuum from its signals and set it beside the ratings."""
    return ContinuumComparison(
        subject=subject,
        observed=classify(signals, rule),
        rated_by_a=None if level_rated_by_a is None else stage_from_survey_level(level_rated_by_a),
        rated_by_b=None if level_rated_by_b is None else stage_from_survey_level(level_rated_by_b),
    )
