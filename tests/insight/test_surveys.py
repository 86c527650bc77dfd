"""Survey instruments: files refused with their line named, scoring, spread, suppression."""

from __future__ import annotations

import statistics
import textwrap
from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.insight import surveys
from joinedup.insight.surveys import SurveyFileError, SurveyResponse

GOOD = textwrap.dedent(
    """\
    id = "test"
    version = "1"
    title = "Test instrument"
    licence = "MIT"
    kind = "themed"

    [thresholds]
    concern_below = 3.0

    [scales.agreement]
    labels = ["One", "Two", "Three", "Four", "Five"]

    [[themes]]
    id = "purpose"
    title = "Purpose"

    [[items]]
    id = "P1"
    theme = "purpose"
    scale = "agreement"
    text = "We agree what we are for."

    [[items]]
    id = "P2"
    theme = "purpose"
    scale = "agreement"
    text = "We check we are achieving it."

    [[items]]
    id = "P3"
    theme = "purpose"
    scale = "agreement"
    text = "We never talk about it."
    reverse = true

    [[scoring]]
    id = "purpose"
    title = "Purpose"
    items = ["P1", "P2", "P3"]
    """
)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    found = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return found[occurrence - 1]


def refused(text: str) -> SurveyFileError:
    with pytest.raises(SurveyFileError) as error:
        surveys.parse_instrument(text)
    return error.value


def test_the_good_file_parses() -> None:
    instrument = surveys.parse_instrument(GOOD)
    assert instrument.key == "test@1"
    assert [i.id for i in instrument.items] == ["P1", "P2", "P3"]
    assert instrument.scales["agreement"].minimum == 1
    assert instrument.scales["agreement"].label(5) == "Five"
    assert instrument.rule("purpose").concern_below == 3.0


def test_a_missing_scale_is_refused_naming_the_line() -> None:
    text = GOOD.replace(
        'scale = "agreement"\ntext = "We check', 'scale = "agreemnt"\ntext = "We check'
    )
    error = refused(text)
    assert error.line == line_of(text, 'scale = "agreemnt"')
    assert error.message == f"Line {error.line}: Item 'P2': scale 'agreemnt' is not defined."


def test_a_file_with_no_scales_is_refused_at_its_first_item() -> None:
    text = GOOD.replace(
        '[scales.agreement]\nlabels = ["One", "Two", "Three", "Four", "Five"]\n', ""
    )
    error = refused(text)
    assert error.line == line_of(text, "[[items]]")
    assert "no scale" in error.message


def test_a_scale_without_labels_is_refused_naming_its_table() -> None:
    text = GOOD.replace('labels = ["One", "Two", "Three", "Four", "Five"]', "start = 1")
    error = refused(text)
    assert error.line == line_of(text, "[scales.agreement]")


def test_duplicate_item_ids_are_refused_naming_the_second() -> None:
    text = GOOD.replace('id = "P3"', 'id = "P1"')
    error = refused(text)
    assert error.line == line_of(text, 'id = "P1"', occurrence=2)
    assert "Duplicate item id 'P1'" in error.message


def test_a_scoring_rule_naming_no_items_is_refused() -> None:
    text = GOOD.replace('items = ["P1", "P2", "P3"]', "items = []")
    error = refused(text)
    assert error.line == line_of(text, "items = []")
    assert "Scoring rule 'purpose' names no items." in error.message


def test_a_scoring_rule_without_an_items_key_names_its_table() -> None:
    text = GOOD.replace('items = ["P1", "P2", "P3"]\n', "")
    assert refused(text).line == line_of(text, "[[scoring]]")


def test_a_scoring_rule_naming_an_unknown_item_names_the_line() -> None:
    text = GOOD.replace('items = ["P1", "P2", "P3"]', 'items = [\n  "P1",\n  "P9",\n]')
    error = refused(text)
    assert error.line == line_of(text, '"P9"')


def test_other_faults_are_refused_with_a_line() -> None:
    assert refused(GOOD.replace('licence = "MIT"\n', "")).line == 1
    text = GOOD.replace('kind = "themed"', 'kind = "quiz"')
    assert refused(text).line == line_of(text, "kind =")
    text = GOOD.replace(
        'theme = "purpose"\nscale = "agreement"\ntext = "We check',
        'theme = "x"\nscale = "agreement"\ntext = "We check',
    )
    assert refused(text).line == line_of(text, 'theme = "x"')
    text = GOOD.replace("concern_below = 3.0", 'concern_below = "low"')
    assert "must be a number" in refused(text).message


def test_a_toml_syntax_error_reports_its_line() -> None:
    text = GOOD.replace('title = "Purpose"\nitems', 'title = "Purpose\nitems')
    error = refused(text)
    assert error.line == line_of(text, 'title = "Purpose', occurrence=2)


def test_shipped_instruments_load_and_contain_the_four_themes() -> None:
    shipped = surveys.shipped_instruments()
    collaboration = shipped["joinedup-collaboration@1"]
    assert [t.id for t in collaboration.themes] == [
        "family-perspective",
        "common-purpose",
        "whole-system",
        "sharing-power",
    ]
    for theme in collaboration.themes:
        assert 4 <= sum(i.theme == theme.id for i in collaboration.items) <= 5
    relational = shipped["joinedup-relational@1"]
    assert relational.kind == "relational" and relational.respondent == "organisation"
    assert [r.id for r in relational.scoring] == ["trust", "value", "level"]
    assert relational.scales["amount"].minimum == 1 and relational.scales["amount"].maximum == 4
    assert relational.scales["level"].minimum == 0 and relational.scales["level"].maximum == 5


def response(who: str, answers: Mapping[str, int | None], **extra: object) -> SurveyResponse:
    fields: dict[str, object] = {"organisation": "school", "sector": "education", "round": "2026"}
    fields.update(extra)
    return SurveyResponse(respondent=who, answers=answers, **fields)  # type: ignore[arg-type]


def test_a_response_outside_the_scale_is_refused() -> None:
    instrument = surveys.parse_instrument(GOOD)
    with pytest.raises(surveys.ResponseError) as error:
        surveys.validate_response(instrument, response("r1", {"P1": 6}))
    assert error.value.field == "P1"
    assert "must be from 1 to 5" in error.value.message
    for bad in ({"P1": 0}, {"P1": True}, {"P9": 3}):
        with pytest.raises(surveys.ResponseError):
            surveys.validate_response(instrument, response("r1", bad))  # type: ignore[arg-type]
    surveys.validate_response(instrument, response("r1", {"P1": None, "P2": 5}))


def test_respondent_score_flips_reverse_items_and_needs_half_answered() -> None:
    instrument = surveys.parse_instrument(GOOD)
    rule = instrument.rule("purpose")
    assert surveys.respondent_score(instrument, rule, {"P1": 4, "P2": 5, "P3": 1}) == pytest.approx(
        14 / 3
    )
    assert surveys.respondent_score(instrument, rule, {"P1": 4, "P2": 2}) == 3.0
    assert surveys.respondent_score(instrument, rule, {"P1": 4}) is None


def test_scores_with_spread_and_small_cells_suppressed() -> None:
    instrument = surveys.parse_instrument(GOOD)
    answers = [
        {"P1": 1, "P2": 1, "P3": 5},
        {"P1": 3, "P2": 3, "P3": 3},
        {"P1": 5, "P2": 5, "P3": 1},
        {"P1": 5, "P2": 4, "P3": 1},
    ]
    rows = [response(f"r{i}", a) for i, a in enumerate(answers)]
    rows += [response("h1", {"P1": 2, "P2": 2, "P3": 2}, organisation="gp", sector="health")]
    everyone = surveys.score_responses(instrument, rows)[0]
    purpose = everyone.scores["purpose"]
    people = [1.0, 3.0, 5.0, 14 / 3, 2 + 2 / 3]
    assert purpose.spread.n == 5
    assert purpose.spread.mean == pytest.approx(statistics.fmean(people))
    assert purpose.spread.median == pytest.approx(3.0)
    assert purpose.spread.sd == pytest.approx(statistics.stdev(people))
    assert (purpose.spread.minimum, purpose.spread.maximum) == (1.0, 5.0)
    assert purpose.spread.distribution == {1: 1, 2: 0, 3: 2, 4: 0, 5: 2}
    assert everyone.items["P1"].distribution == {1: 1, 2: 1, 3: 1, 4: 0, 5: 2}
    by_org = {r.group: r for r in surveys.score_responses(instrument, rows, by="organisation")}
    assert by_org["school"].scores["purpose"].spread.n == 4
    hidden = by_org["gp"].scores["purpose"]
    assert hidden.spread == surveys.SUPPRESSED
    assert hidden.spread.n is None and hidden.spread.mean is None
    assert not hidden.concern  # a suppressed figure never starts a prompt
    assert by_org["gp"].items["P1"].suppressed


@given(st.lists(st.integers(min_value=1, max_value=5), max_size=12))
def test_fewer_than_three_are_never_shown(values: list[int]) -> None:
    scale = surveys.parse_instrument(GOOD).scales["agreement"]
    shown = surveys.spread([float(v) for v in values], scale)
    assert shown.suppressed == (len(values) < 3)
    if shown.suppressed:
        assert shown == surveys.SUPPRESSED
    else:
        assert shown.minimum <= shown.mean <= shown.maximum  # type: ignore[operator]
        assert sum(shown.distribution.values()) == len(values)  # type: ignore[union-attr]


def test_trend_across_rounds_skips_hidden_rounds() -> None:
    instrument = surveys.parse_instrument(GOOD)
    rows = [response(f"a{i}", {"P1": 2, "P2": 2}, round="2024") for i in range(3)]
    rows += [response("b1", {"P1": 5, "P2": 5}, round="2025")]
    rows += [response(f"c{i}", {"P1": 4, "P2": 4}, round="2026") for i in range(3)]
    points = surveys.trend(surveys.score_responses(instrument, rows), "purpose")
    assert [(p.round, p.spread.mean, p.change) for p in points] == [
        ("2024", 2.0, None),
        ("2025", None, None),
        ("2026", 4.0, 2.0),
    ]


def relational_response(rater: str, partner: str, trust: int, who: str = "") -> SurveyResponse:
    answers = {
        "reliable": trust,
        "shared-mission": trust,
        "open-to-discussion": trust,
        "influence": 3,
        "involvement": 3,
        "resources": 3,
        "level-of-collaboration": 2,
    }
    return SurveyResponse(who or f"{rater}-1", rater, "x", "2026", answers, partner=partner)


def test_relational_pairs_and_ratings_that_differ_by_two() -> None:
    instrument = surveys.shipped_instruments()["joinedup-relational@1"]
    rows = [
        relational_response("a", "b", 4),
        relational_response("b", "a", 2),
        relational_response("a", "c", 3),
        relational_response("c", "a", 2),
    ]
    pairs = surveys.pair_ratings(instrument, rows)
    mutual = surveys.mutual_ratings(pairs)
    assert {(m.a, m.b) for m in mutual} == {("a", "b"), ("a", "c")}
    gaps = surveys.rating_differences(mutual)
    assert [(g.a, g.b, g.score, g.difference) for g in gaps] == [("a", "b", "trust", 2.0)]
    received = surveys.ratings_received(instrument, pairs)
    assert received[("2026", "a")]["trust"].suppressed  # only two organisations rated a


def test_a_relational_response_needs_a_partner_that_is_not_itself() -> None:
    instrument = surveys.shipped_instruments()["joinedup-relational@1"]
    for partner in (None, "a"):
        row = relational_response("a", "b", 3)
        row = SurveyResponse(row.respondent, "a", "x", "2026", row.answers, partner=partner)
        with pytest.raises(surveys.ResponseError) as error:
            surveys.validate_response(instrument, row)
        assert error.value.field == "partner"
    with pytest.raises(surveys.ResponseError):
        surveys.pair_ratings(instrument, [relational_response("a", "b", 5)])
