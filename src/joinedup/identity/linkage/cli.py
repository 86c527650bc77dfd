"""`link`: join agency CSV files into persons.

    python -m joinedup.identity.linkage.cli link a.csv b.csv --out persons.csv

Writes source, record_id, person_id, match_probability: records with the same person_id are
one person. Without --model the model is trained on the input itself (no labels needed);
--model-out keeps it so later runs, and real-time matching, score the same way.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from joinedup.identity.linkage.engines import ENGINES, EngineError
from joinedup.identity.linkage.explain import UnknownRecord, explain
from joinedup.identity.linkage.model import LinkageModel, ModelError
from joinedup.identity.linkage.reading import LinkageInputError, read_records


def _probability(text: str) -> float:
    value = float(text)
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError("must be a probability between 0 and 1, e.g. 0.9")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="joinedup", description="Identity linkage of agency records."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    link = commands.add_parser("link", help="join agency CSV files into persons")
    link.add_argument("inputs", nargs="+", type=Path, metavar="INPUT.csv")
    link.add_argument("--out", required=True, type=Path, metavar="OUT.csv")
    link.add_argument(
        "--threshold", type=_probability, default=None, metavar="P",
        help="match probability at or above which two records are one person "
        "(default: the model's; for a new model, chosen from the data)",
    )  # fmt: skip
    link.add_argument("--model-out", type=Path, metavar="model.json", help="save the model")
    link.add_argument("--model", type=Path, metavar="model.json", help="use a saved model")
    link.add_argument("--engine", choices=ENGINES, default="duckdb")
    link.add_argument(
        "--explain", action="append", default=[], metavar="SOURCE:RECORD_ID",
        help="print the comparisons that decided this record's person (may be repeated)",
    )  # fmt: skip
    return parser


def write_persons(path: Path, records: pa.Table, persons: pa.Table) -> None:
    probability = pc.round(persons["match_probability"], 6)
    table = pa.table(
        {
            "source": records["source"],
            "record_id": records["record_id"],
            "person_id": persons["person_id"],
            "match_probability": probability,
        }
    )
    # Written beside the target and renamed, so a failed run never leaves half a file.
    partial = path.with_name(path.name + ".partial")
    pacsv.write_csv(table, partial, pacsv.WriteOptions(quoting_style="needed"))
    partial.replace(path)


# Below this, the unsupervised estimates (u by sampling, m by EM) have nothing to learn from.
MIN_RECORDS_TO_TRAIN = 200


def link(args: argparse.Namespace) -> int:
    from joinedup.identity.linkage.batch import link_table

    started = time.perf_counter()
    model = LinkageModel.load(args.model) if args.model else None
    read = read_records(args.inputs, skip_unreadable=True)
    for problem in read.skipped_files:
        print(f"error: {problem}; this file was not linked", file=sys.stderr)
    for problem in read.problems:
        print(problem, file=sys.stderr)
    for column, count in sorted(read.invalid_counts.items()):
        print(f"{column}: {count} value(s) not understood, treated as missing", file=sys.stderr)
    if model is None and read.table.num_rows < MIN_RECORDS_TO_TRAIN:
        raise ModelError(
            f"only {read.table.num_rows} records: estimating a model from the data needs at "
            f"least {MIN_RECORDS_TO_TRAIN}. Link with a saved model instead (--model model.json)."
        )
    result = link_table(read.table, engine=args.engine, model=model, threshold=args.threshold)
    write_persons(args.out, read.table, result.persons)
    for key in args.explain:
        print("\n".join(explain(result, read.table, key)))
    if args.model_out:
        result.model.save(args.model_out)
    people = len(set(result.persons["person_id"].to_pylist()))
    refused = len(result.clustering.refusals) if result.clustering else 0
    print(
        f"{read.table.num_rows} records -> {people} persons "
        f"({refused} links refused by a cannot-link rule; "
        f"{sum(read.invalid_counts.values())} values treated as missing) "
        f"({result.pair_count} links at or above {result.model.threshold}) "
        f"in {time.perf_counter() - started:.1f} s; written to {args.out}",
        file=sys.stderr,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return link(args)
    except (LinkageInputError, ModelError, EngineError, UnknownRecord) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
