"""The `link` command end to end on temporary CSV files."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from joinedup.identity.linkage import cli
from joinedup.identity.linkage.model import MODEL_VERSION, LinkageModel, ModelError


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_link_writes_persons_and_the_model(tmp_path: Path, synthetic_csv: Path, capsys) -> None:
    out, model_path = tmp_path / "persons.csv", tmp_path / "model.json"
    code = cli.main(["link", str(synthetic_csv), "--out", str(out),
                     "--model-out", str(model_path)])  # fmt: skip
    assert code == 0
    rows = _read(out)
    assert list(rows[0]) == ["source", "record_id", "person_id", "match_probability"]
    assert len(rows) == 4000
    assert 1000 < len({row["person_id"] for row in rows}) < 4000
    linked = [row for row in rows if row["match_probability"]]
    assert linked and all(float(row["match_probability"]) >= 0.9 for row in linked)
    assert "not understood" in capsys.readouterr().err
    saved = json.loads(model_path.read_text())
    assert saved["model_version"] == MODEL_VERSION
    assert saved["splink_settings"]["comparisons"]

    # The saved model, loaded again, links the same records the same way.
    again = tmp_path / "again.csv"
    assert cli.main(["link", str(synthetic_csv), "--out", str(again), "--model",
                     str(model_path)]) == 0  # fmt: skip
    assert _read(again) == rows


def test_model_round_trip(tmp_path: Path, linked) -> None:
    path = tmp_path / "model.json"
    linked.model.save(path)
    loaded = LinkageModel.load(path)
    assert loaded.to_json() == linked.model.to_json()


def test_a_model_of_another_version_is_refused(tmp_path: Path, linked) -> None:
    path = tmp_path / "model.json"
    path.write_text(json.dumps({**linked.model.to_json(), "model_version": "old"}))
    with pytest.raises(ModelError, match="version"):
        LinkageModel.load(path)


def test_threshold_option(tmp_path: Path, synthetic_csv: Path, linked) -> None:
    out, model = tmp_path / "persons.csv", tmp_path / "model.json"
    linked.model.save(model)
    args = ["link", str(synthetic_csv), "--out", str(out), "--model", str(model)]
    assert cli.main([*args, "--threshold", "0.99"]) == 0
    linked = [row for row in _read(out) if row["match_probability"]]
    assert all(float(row["match_probability"]) >= 0.99 for row in linked)


def test_a_file_without_a_header_is_an_error(tmp_path: Path, capsys) -> None:
    path = tmp_path / "no_header.csv"
    path.write_text("gp,1,Bill,Smith\ngp,2,Ann,Jones\n")
    out = tmp_path / "persons.csv"
    assert cli.main(["link", str(path), "--out", str(out)]) == 1
    assert "no_header.csv" in capsys.readouterr().err
    assert not out.exists()


def test_an_unknown_option_exits_2_with_usage(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["link", "a.csv", "--out", str(tmp_path / "o.csv"), "--frobnicate"])
    assert exit_info.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_a_bad_threshold_exits_2(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["link", "a.csv", "--out", str(tmp_path / "o.csv"), "--threshold", "7"])
    assert exit_info.value.code == 2


def test_too_few_records_to_train_is_a_clear_error(tmp_path, capsys) -> None:
    from joinedup.identity.linkage.cli import main

    path = tmp_path / "tiny.csv"
    path.write_text("source,record_id,given_name\nschool,1,Maya\n", encoding="utf-8")
    assert main(["link", str(path), "--out", str(tmp_path / "out.csv")]) == 1
    assert "needs at least" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()
