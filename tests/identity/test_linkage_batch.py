"""A batch linkage run: accuracy on known truth; siblings and twins kept apart."""

from __future__ import annotations

from pathlib import Path

from joinedup.identity.linkage import batch, evaluation, reading
from joinedup.identity.linkage.model import DESIGNS
from tests.identity.conftest import write_rows


def test_small_linkage_reaches_high_f1(synthetic_rows, linked) -> None:
    truth = [row["true_person"] for row in synthetic_rows]
    scores = evaluation.pairwise_scores(linked.persons["person_id"].to_pylist(), truth)
    assert scores.precision >= 0.97
    assert scores.recall >= 0.93
    assert scores.f1 >= 0.95


def test_model_is_trained_from_the_data(linked) -> None:
    settings = linked.model.splink_settings
    assert 0 < linked.model.prior < 0.01
    nhs = next(c for c in settings["comparisons"] if c["output_column_name"] == "nhs_number")
    exact = next(lv for lv in nhs["comparison_levels"] if lv["label_for_charts"] == "Exact match")
    assert exact["m_probability"] > 0.5 and exact["u_probability"] < 0.001


def _family() -> list[dict[str, str]]:
    """Twins (same birthday, different names) and their older brother, seen by three agencies."""
    home = {"family_name": "Ashworth", "postcode": "HX1 2QT", "address": "7 Mill Lane"}
    rows = []
    people = [("amelia", "Amelia", "F", "2016-05-09", "4010232137"),
              ("isla", "Isla", "F", "2016-05-09", "9434765919"),
              ("jack", "Jack", "M", "2012-11-23", "4505577104")]  # fmt: skip
    for key, given, sex, dob, nhs in people:
        base = {**home, "given_name": given, "sex": sex, "date_of_birth": dob}
        rows += [
            {**base, "source": "gp", "record_id": f"gp-{key}", "nhs_number": nhs},
            {**base, "source": "school", "record_id": f"sc-{key}", "address": "7 MILL LN"},
            {**base, "source": "council", "record_id": f"co-{key}", "postcode": ""},
        ]
    rows[1]["given_name"] = "Millie"  # a nickname of Amelia at school
    return rows


def test_siblings_and_twins_stay_separate(tmp_path: Path, synthetic_csv: Path) -> None:
    family = write_rows(tmp_path / "family.csv", _family())
    read = reading.read_records([synthetic_csv, family])
    persons = batch.link_table(read.table).persons.to_pylist()
    ids = dict(zip(read.table["record_id"].to_pylist(), (p["person_id"] for p in persons),
                   strict=True))  # fmt: skip
    for key in ("amelia", "isla", "jack"):
        assert ids[f"gp-{key}"] == ids[f"sc-{key}"] == ids[f"co-{key}"], key
    assert len({ids["gp-amelia"], ids["gp-isla"], ids["gp-jack"]}) == 3


def test_both_household_designs_link(synthetic_rows, synthetic_read) -> None:
    """The two-comparison design the benchmark measures against also runs end to end."""
    assert set(DESIGNS) == {"household", "separate"}
    result = batch.link_table(synthetic_read.table, design="separate")
    assert result.model.comparison_design == "separate"
    names = [c["output_column_name"] for c in result.model.splink_settings["comparisons"]]
    assert "postcode" in names and "address" in names and "household" not in names


def test_pairwise_scores() -> None:
    scores = evaluation.pairwise_scores([1, 1, 1, 2], ["a", "a", "b", "b"])
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (2, 3, 1)
    assert round(scores.f1, 3) == 0.4
