"""Balance of voice: shares, Gini, Herfindahl and the under-representation flag."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.errors import ApplicationError
from joinedup.insight import voice

counts = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30)


def test_gini_by_hand() -> None:
    assert voice.gini([5, 5, 5, 5]) == 0.0
    # One of four holds everything: Σ|xi − xj| = 2·3·4 = 24; 2n²μ = 2·16·1 = 32.
    assert voice.gini([0, 0, 0, 4]) == pytest.approx(0.75)
    # [1, 2, 3]: Σ|xi − xj| = 2·(1 + 2 + 1) = 8; 2n²μ = 2·9·2 = 36.
    assert voice.gini([1, 2, 3]) == pytest.approx(8 / 36)
    assert voice.gini([]) == 0.0 and voice.gini([0, 0]) == 0.0


def test_herfindahl_by_hand() -> None:
    assert voice.herfindahl([1, 1, 1, 1]) == pytest.approx(0.25)
    assert voice.herfindahl([0, 7, 0]) == 1.0
    assert voice.herfindahl([3, 1]) == pytest.approx(0.75**2 + 0.25**2)
    assert voice.herfindahl_normalised([1, 1, 1, 1]) == pytest.approx(0.0)
    assert voice.herfindahl_normalised([0, 0, 9]) == pytest.approx(1.0)


@given(counts)
def test_gini_is_between_zero_and_one(values: list[int]) -> None:
    assert 0.0 <= voice.gini(values) < 1.0


@given(counts)
def test_herfindahl_is_between_one_over_n_and_one(values: list[int]) -> None:
    h = voice.herfindahl(values)
    if sum(values):
        assert 1 / len(values) - 1e-12 <= h <= 1 + 1e-12
        assert -1e-12 <= voice.herfindahl_normalised(values) <= 1 + 1e-12


def test_shares_and_the_flag_for_a_profession_that_rarely_leads() -> None:
    result = voice.balance_of_voice(
        [
            voice.GroupActivity("social_worker", memberships=40, lead_roles=30),
            voice.GroupActivity("teacher", memberships=40, lead_roles=9),
            voice.GroupActivity("youth_worker", memberships=20, lead_roles=1),
        ]
    )
    teacher, youth = result.groups[1], result.groups[2]
    assert teacher.shares["memberships"] == pytest.approx(0.4)
    assert teacher.shares["lead_roles"] == pytest.approx(9 / 40)
    assert teacher.lead_to_membership == pytest.approx((9 / 40) / 0.4)
    # 9/40 = 0.225 is not below 0.5 × 0.4 = 0.2; 1/40 is well below 0.5 × 0.2.
    assert not teacher.under_represented
    assert youth.under_represented
    assert [g.group for g in result.flagged] == ["youth_worker"]
    assert result.concentration["lead_roles"].gini == pytest.approx(voice.gini([30, 9, 1]))


def test_flag_needs_a_minimum_count_and_is_configurable() -> None:
    rows = [
        voice.GroupActivity("gp", memberships=4, lead_roles=0),
        voice.GroupActivity("social_worker", memberships=96, lead_roles=50),
    ]
    assert voice.balance_of_voice(rows).flagged == ()
    assert [g.group for g in voice.balance_of_voice(rows, min_memberships=3).flagged] == ["gp"]
    rows = [
        voice.GroupActivity("gp", memberships=50, lead_roles=20),
        voice.GroupActivity("social_worker", memberships=50, lead_roles=30),
    ]
    assert voice.balance_of_voice(rows).flagged == ()
    assert [g.group for g in voice.balance_of_voice(rows, lead_ratio=0.9).flagged] == ["gp"]


def test_other_measures_of_voice() -> None:
    result = voice.balance_of_voice(
        [
            voice.GroupActivity(
                "health",
                memberships=10,
                disagreements_raised=4,
                disagreements_upheld=1,
                response_days=(1.0, 3.0, 10.0),
            ),
            voice.GroupActivity("police", memberships=10, actions_owned=5),
        ]
    )
    health, police = result.groups
    assert health.disagreements_upheld_rate == 0.25 and police.disagreements_upheld_rate is None
    assert health.median_response_days == 3.0
    assert police.shares["actions_owned"] == 1.0
    # Nobody leads yet: no flag can be meaningful.
    assert result.flagged == ()


def test_bad_counts_are_refused() -> None:
    with pytest.raises(ApplicationError):
        voice.GroupActivity("x", memberships=-1)
    with pytest.raises(ApplicationError):
        voice.GroupActivity("x", disagreements_raised=1, disagreements_upheld=2)
    with pytest.raises(ApplicationError):
        voice.balance_of_voice([voice.GroupActivity("x"), voice.GroupActivity("x")])
