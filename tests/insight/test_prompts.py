"""Conversation prompts: each fires on its pattern with its evidence, and is quiet otherwise."""

from __future__ import annotations

from datetime import date

from joinedup.insight import formulas, prompts, surveys
from joinedup.insight import network as net

PERIOD = net.Period(date(2026, 1, 1), date(2026, 3, 31))
EARLIER = net.Period(date(2025, 10, 1), date(2025, 12, 31))
NAMES = {"a": "Oakfield Primary", "b": "Riverside Housing"}


def involved(
    family: str, *organisations: str, on: date = date(2026, 2, 1)
) -> list[net.Involvement]:
    return [net.Involvement(family, org, on, on) for org in organisations]


def test_a_factor_below_its_threshold() -> None:
    instrument = surveys.shipped_instruments()["joinedup-collaboration@1"]
    low = {item.id: 2 for item in instrument.items if item.theme == "sharing-power"}
    high = {item.id: 4 for item in instrument.items if item.theme != "sharing-power"}
    rows = [
        surveys.SurveyResponse(f"r{i}", "school", "education", "2026", low | high) for i in range(3)
    ]
    found = prompts.factors_below_threshold(surveys.score_responses(instrument, rows))
    assert [p.kind for p in found] == ["factor_below_threshold"]
    assert found[0].evidence["score"] == "sharing-power"
    assert found[0].evidence["mean"] == 2.0 and found[0].evidence["n"] == 3
    # Two responses: suppressed, so no prompt can reveal them.
    assert prompts.factors_below_threshold(surveys.score_responses(instrument, rows[:2])) == []


def test_ratings_that_differ_by_two_or_more() -> None:
    gap = surveys.RatingDifference("a", "b", "2026", "trust", 4.0, 2.0, 2.0)
    (prompt,) = prompts.ratings_differ([gap], names=NAMES)
    assert prompt.evidence["organisations"] == ["a", "b"]
    assert "Oakfield Primary rates Riverside Housing 4.0" in prompt.text


def test_a_large_shared_caseload_with_low_trust() -> None:
    rows = [row for k in range(25) for row in involved(f"f{k}", "a", "b")]
    network = net.build_network(period=PERIOD, sectors={}, involvements=rows)
    low = surveys.PairRating("a", "b", "2026", {"trust": 2.0}, 1)
    fine = surveys.PairRating("b", "a", "2026", {"trust": 3.5}, 1)
    (prompt,) = prompts.shared_caseload_low_trust(network, [low, fine], names=NAMES)
    assert prompt.evidence["shared_families"] == 25 and prompt.evidence["trust"] == 2.0
    assert prompts.shared_caseload_low_trust(network, [low], min_shared_families=30) == []


def star(period: net.Period, leaves: int, extra_ties: bool) -> net.NetworkMetrics:
    on = period.start
    rows = [row for i in range(leaves) for row in involved(f"f{i}", "hub", f"l{i}", on=on)]
    if extra_ties:
        pairs = [(f"l{i}", f"l{i + 1}") for i in range(leaves - 1)]
        rows += [row for i, pair in enumerate(pairs) for row in involved(f"g{i}", *pair, on=on)]
    return net.network_metrics(net.build_network(period=period, sectors={}, involvements=rows))


def test_centralisation_rising_and_one_organisation_holding_a_large_share() -> None:
    before, now = star(EARLIER, 5, extra_ties=True), star(PERIOD, 5, extra_ties=False)
    (prompt,) = prompts.centralisation_rising(before, now)
    assert prompt.evidence["current"] == 1.0 and prompt.evidence["previous"] < 1.0
    assert prompts.centralisation_rising(now, before) == []
    shares = prompts.organisation_share_high(now, max_share=0.4)
    assert [p.evidence["organisation"] for p in shares] == ["hub"]
    assert prompts.organisation_share_high(now, max_share=0.6) == []


def test_families_with_three_agencies_and_no_joint_meeting() -> None:
    teams = [
        prompts.FamilyTeam("f1", frozenset({"a", "b", "c"}), joint_meetings=0),
        prompts.FamilyTeam("f2", frozenset({"a", "b", "c"}), joint_meetings=1),
        prompts.FamilyTeam("f3", frozenset({"a", "b"}), joint_meetings=0),
    ]
    (prompt,) = prompts.families_without_joint_meeting(teams)
    assert prompt.evidence["families"] == ["f1"]
    assert prompts.families_without_joint_meeting(teams[1:]) == []


def test_re_referrals_and_time_to_first_meeting_getting_worse() -> None:
    worse = [prompts.PeriodFigure("Q1", 0.10), prompts.PeriodFigure("Q2", 0.16)]
    assert [p.kind for p in prompts.re_referrals_worsening(worse)] == ["re_referrals_worsening"]
    assert prompts.re_referrals_worsening(worse[::-1]) == []
    slower = [prompts.PeriodFigure("Q1", 12), prompts.PeriodFigure("Q2", 20)]
    assert len(prompts.first_meeting_slower(slower)) == 1
    assert prompts.first_meeting_slower(slower, min_rise_days=10) == []
    assert prompts.first_meeting_slower(slower[:1]) == []


def test_every_prompt_names_a_registered_formula() -> None:
    made = [
        *prompts.ratings_differ([surveys.RatingDifference("a", "b", "r", "trust", 4, 1, 3)]),
        *prompts.families_without_joint_meeting([prompts.FamilyTeam("f", frozenset("abc"), 0)]),
        *prompts.re_referrals_worsening(
            [prompts.PeriodFigure("1", 0), prompts.PeriodFigure("2", 1)]
        ),
        *prompts.first_meeting_slower([prompts.PeriodFigure("1", 0), prompts.PeriodFigure("2", 9)]),
        *prompts.organisation_share_high(star(PERIOD, 3, extra_ties=False)),
        *prompts.centralisation_rising(star(EARLIER, 5, True), star(PERIOD, 5, False)),
    ]
    assert {p.evidence["metric"] for p in made} <= formulas.METRICS.keys()
    assert "shared_families" in formulas.METRICS and "survey_score" in formulas.METRICS
