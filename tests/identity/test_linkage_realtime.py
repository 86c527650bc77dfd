"""Real-time matching: the same match weights as Splink, and the evidence behind them."""

from __future__ import annotations

import logging
import math

import pytest

from joinedup.identity.linkage import engines, normalise, realtime


@pytest.fixture(scope="module")
def matcher(linked, synthetic_read) -> realtime.RealtimeMatcher:
    return realtime.RealtimeMatcher(linked.model, synthetic_read.table)


@pytest.fixture(scope="module")
def splink_linker(linked, synthetic_read):
    from splink import Linker

    records = engines.duckdb_api().register(synthetic_read.table)
    return Linker(records, linked.model.settings_creator(), log_level=logging.ERROR)


def test_scores_equal_splinks(matcher, splink_linker, synthetic_rows) -> None:
    compared = 0
    for raw in synthetic_rows[:30]:
        query = {**matcher.with_tf(normalise.normalise_record(raw)), "unique_id": -1}
        candidates = matcher.match(raw, limit=5)
        rows = matcher.records.take([c.unique_id for c in candidates]).to_pylist()
        assert rows == [matcher.rows.row(c.unique_id) for c in candidates]
        scored = splink_linker.inference.score_pairs([query], [matcher.with_tf(r) for r in rows])
        by_id = {r["unique_id_r"]: r for r in scored.as_record_list()}
        for candidate in candidates:
            splink = by_id[candidate.unique_id]
            assert candidate.match_weight == pytest.approx(splink["match_weight"], abs=1e-6)
            assert candidate.match_probability == pytest.approx(
                splink["match_probability"], abs=1e-6
            )
            compared += 1
    assert compared > 30


def test_score_equals_splinks_score_pair(matcher, splink_linker, synthetic_rows) -> None:
    raw = synthetic_rows[1]
    query = {**matcher.with_tf(normalise.normalise_record(raw)), "unique_id": -1}
    best = matcher.match(raw, limit=1)[0]
    row = matcher.with_tf(matcher.records.take([best.unique_id]).to_pylist()[0])
    splink = splink_linker.inference.score_pair(query, row).as_record_list()[0]
    assert best.match_weight == pytest.approx(splink["match_weight"], abs=1e-6)
    levels = {e.comparison: e.gamma for e in best.evidence}
    assert levels == {name: splink[f"gamma_{name}"] for name in levels}


def test_evidence_adds_up_to_the_match_weight(matcher, synthetic_rows) -> None:
    best = matcher.match(synthetic_rows[0])[0]
    total = best.prior_match_weight + sum(item.match_weight for item in best.evidence)
    assert total == pytest.approx(best.match_weight)
    assert [item.comparison for item in best.evidence][:3] == [
        "given_name", "family_name", "date_of_birth",
    ]  # fmt: skip
    for item in best.evidence:
        assert item.bayes_factor == pytest.approx(2**item.match_weight)
        assert item.level


def test_a_known_record_finds_itself_first(matcher, synthetic_rows) -> None:
    raw = synthetic_rows[5]
    best = matcher.match(raw)[0]
    assert (best.source, best.record_id) == (raw["source"], raw["record_id"])
    assert best.match_probability > 0.99


def test_a_nickname_and_a_move_still_find_the_person(matcher, synthetic_rows) -> None:
    raw = next(r for r in synthetic_rows if r["given_name"] == "William" and r["nhs_number"])
    changed = {**raw, "given_name": "Bill", "postcode": "", "address": "1 New Street",
               "source": "charity", "record_id": "new"}  # fmt: skip
    best = matcher.match(changed)[0]
    assert best.record_id == raw["record_id"] or best.match_probability > 0.99
    levels = {item.comparison: item.level for item in best.evidence}
    assert levels["given_name"] in {"Nickname or short form", "Exact match"}


def test_a_twin_is_held_for_review(matcher, synthetic_rows) -> None:
    raw = next(r for r in synthetic_rows if r["given_name"] and r["date_of_birth"])
    twin = {**raw, "given_name": "Zebedee", "nhs_number": "", "upn": "", "other_id": ""}
    candidates = [c for c in matcher.match(twin) if c.record_id == raw["record_id"]]
    assert candidates and candidates[0].needs_review


def test_no_candidates_for_a_stranger(matcher) -> None:
    assert matcher.match({"given_name": "Quentin", "family_name": "Zzyzx"}) == []


def test_probability_is_splinks_formula() -> None:
    assert realtime.probability(0.0) == 0.5
    assert realtime.probability(10) == pytest.approx(1 / (1 + 2**-10))
    assert realtime.probability(-2000) == 0.0
    assert math.isclose(realtime.probability(3) + realtime.probability(-3), 1.0)
