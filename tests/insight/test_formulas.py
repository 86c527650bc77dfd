"""Every figure has a 'how this is calculated' text."""

from __future__ import annotations

import dataclasses

import pytest

from joinedup.insight import formulas, network, voice


def test_every_network_and_voice_figure_is_registered() -> None:
    figures = {
        "density",
        "components",
        "communities",
        "betweenness",
        "centralisation",
        "ei_index",
        "ei_index_weighted",
        "ei_by_sector",
        "ties",
        "strength",
        "share_of_strength",
        "caseload",
        "family_tie_weight",
        "referral_flows",
        "gini",
        "herfindahl",
        "lead_share",
        "membership_share",
        "lead_to_membership",
        "under_represented",
        "continuum_stage",
        "survey_score",
        "rating_difference",
    }
    assert figures <= formulas.METRICS.keys()
    for entry in formulas.METRICS.values():
        assert entry.title and entry.formula.endswith(".")


def test_betweenness_discloses_its_sampling() -> None:
    text = formulas.formula("betweenness").formula
    assert f"{network.EXACT_BETWEENNESS_UP_TO:,}" in text
    assert str(network.BETWEENNESS_SAMPLES) in text and "fixed seed" in text


def test_an_unknown_metric_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        formulas.formula("league_table")


def test_group_voice_fields_are_documented() -> None:
    fields = {f.name for f in dataclasses.fields(voice.GroupVoice)} - {"group", "counts", "shares"}
    assert fields <= formulas.METRICS.keys()
