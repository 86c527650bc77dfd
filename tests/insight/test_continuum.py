"""The integration continuum rule."""

from __future__ import annotations

import pytest

from joinedup.errors import ApplicationError
from joinedup.insight.continuum import Signals, Stage, StageRule, classify, compare


@pytest.mark.parametrize(
    ("signals", "stage"),
    [
        (Signals(), Stage.NONE),
        (Signals(information_exchanged=3), Stage.NETWORKING),
        (Signals(information_exchanged=3, shared_plan_actions=1), Stage.COORDINATING),
        (Signals(shared_plan_actions=2, joint_actions=1), Stage.COOPERATING),
        (Signals(referrals=1), Stage.COOPERATING),
        (Signals(joint_meetings=2, referrals=1), Stage.COOPERATING),  # no outcome owned together
        (Signals(joint_meetings=1, shared_outcomes=1), Stage.COLLABORATING),
    ],
)
def test_highest_stage_whose_signal_is_present(signals: Signals, stage: Stage) -> None:
    assert classify(signals) is stage


def test_thresholds_are_configurable() -> None:
    rule = StageRule(referrals=3)
    assert classify(Signals(referrals=2, information_exchanged=1), rule) is Stage.NETWORKING


def test_ratings_sit_beside_the_observed_stage() -> None:
    result = compare(
        ("a", "b"), Signals(information_exchanged=1), level_rated_by_a=5, level_rated_by_b=1
    )
    assert result.observed is Stage.NETWORKING
    assert result.rated_by_a is Stage.COLLABORATING and result.rated_by_b is Stage.NETWORKING
    assert result.largest_gap == 3
    # Survey cooperation (2) is the continuum's coordinating; coordination (3) its cooperating.
    assert compare("t", Signals(), level_rated_by_a=2).rated_by_a is Stage.COORDINATING
    assert compare("t", Signals(), level_rated_by_a=3).rated_by_a is Stage.COOPERATING
    assert compare("t", Signals(), level_rated_by_a=2.5).rated_by_a is Stage.COOPERATING
    assert compare("t", Signals()).largest_gap == 0


def test_bad_signals_and_levels_are_refused() -> None:
    with pytest.raises(ApplicationError):
        Signals(referrals=-1)
    with pytest.raises(ApplicationError):
        compare("t", Signals(), level_rated_by_a=6)
