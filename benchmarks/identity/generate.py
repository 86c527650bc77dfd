"""Write N synthetic agency records, with their true person, to a CSV file.

    python benchmarks/identity/generate.py --records 100000 --seed 1 --out records.csv

The generator itself is `joinedup.identity.linkage.synthetic` (the tests and the demo use it
too); the `true_person` column is extra, so the file can be linked as it is.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from joinedup.identity.linkage import synthetic


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    synthetic.write_csv(synthetic.generate(args.records, seed=args.seed), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
