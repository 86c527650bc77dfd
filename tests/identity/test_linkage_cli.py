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
    saved = json.loads(model_path.read_text())
    # A new model's threshold is chosen from the data, within its bounds, and kept.
    assert 0.5 <= saved["threshold"] <= 0.99
    linked = [row for row in rows if row["match_probability"]]
    assert linked and all(float(row["match_probability"]) >= saved["threshold"] for row in linked)
    assert "not understood" in capsys.readouterr().err
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


def test_a_run_links_what_it_can_and_names_each_problem(
    tmp_path: Path, synthetic_csv: Path, capsys
) -> None:
    rows = _read(synthetic_csv)
    rows[4]["date_of_birth"] = "31/02/2015"
    rows[6]["nhs_number"] = "9434765918"
    edited = tmp_path / "gp.csv"
    with edited.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    broken = tmp_path / "police.csv"
    broken.write_text("source,given_name\npolice,Bill\n")
    out = tmp_path / "persons.csv"
    key = f"{rows[0]['source']}:{rows[0]['record_id']}"
    code = cli.main(["link", str(edited), str(broken), "--out", str(out), "--explain", key])
    assert code == 0 and len(_read(out)) == len(rows)
    captured = capsys.readouterr()
    assert "police.csv: the first line must be a header" in captured.err
    assert "missing: record_id; this file was not linked" in captured.err
    assert "gp.csv, line 6, column date_of_birth: '31/02/2015' is not a date" in captured.err
    assert "gp.csv, line 8, column nhs_number: '9434765918' is not a valid NHS number" in (
        captured.err
    )
    assert "values treated as missing" in captured.err
    assert captured.out.startswith(f"{key} is in person ")
    assert "threshold" in captured.out
    # Levels in plain English, never the model's keys ("nhs_number missing").
    assert " missing (" not in captured.out and "All other comparisons" not in captured.out
    unknown = cli.main(["link", str(edited), "--out", str(out), "--explain", "nobody:0"])
    assert unknown == 1 and "no record with that id" in capsys.readouterr().err


def test_explain_names_the_cannot_link_rule(tmp_path: Path) -> None:
    from joinedup.identity.linkage import coherence, explain, reading
    from tests.identity.conftest import write_rows

    base = {"given_name": "Amira", "family_name": "Khan", "date_of_birth": "2015-03-04",
            "sex": "F", "postcode": "LS6 2AB", "address": "4 Mill Lane"}  # fmt: skip
    path = write_rows(tmp_path / "a.csv", [
        {**base, "source": "gp", "record_id": "1", "nhs_number": "9434765919"},
        {**base, "source": "hospital", "record_id": "2", "nhs_number": "4010232137"},
    ])  # fmt: skip
    table = reading.read_records([path]).table
    records = coherence.Records.from_table(table)
    done = coherence.cluster(records, [(0, 1, 0.99, False)], 0.9)
    assert done.person == [1, 2]
    refusals = {(r.left, r.right): r for r in done.refusals}
    outcome = explain._outcome(0, 1, False, done.person, refusals, table)
    assert outcome == (
        "refused by the cannot-link rule 'two different NHS numbers' (between gp:1 and hospital:2)"
    )
    assert explain.find_row(table, "hospital:2") == 1 and explain.find_row(table, "1") == 0
