"""Record linkage for joinedup: which agency records are the same person.

Pure Python, no Django: reading and normalising agency CSV files (`reading`, `normalise`), the
Splink model and its training (`model`, `comparisons`), a batch run on DuckDB or Spark
(`batch`, `engines`), real-time matching of one new record (`realtime`), and the `link`
command line (`cli`). Splink and pyspark are imported only where they are used.
"""

from joinedup.identity.linkage.model import MODEL_VERSION, LinkageModel, ModelError
from joinedup.identity.linkage.reading import LinkageInputError, ReadResult, read_records

__all__ = [
    "MODEL_VERSION",
    "LinkageInputError",
    "LinkageModel",
    "ModelError",
    "ReadResult",
    "read_records",
]
