"""Shared fixtures for the linkage tests: small synthetic data sets and a model trained once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from joinedup.identity.linkage import batch, reading, synthetic

HEADER = ["source", "record_id", "given_name", "family_name", "date_of_birth", "sex",
          "postcode", "address", "nhs_number", "upn", "other_id"]  # fmt: skip


def write_rows(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or HEADER, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def synthetic_rows() -> list[dict[str, str]]:
    return synthetic.generate(4000, seed=11)


@pytest.fixture(scope="session")
def synthetic_csv(tmp_path_factory: pytest.TempPathFactory, synthetic_rows) -> Path:
    path = tmp_path_factory.mktemp("linkage") / "agencies.csv"
    synthetic.write_csv(synthetic_rows, path)
    return path


@pytest.fixture(scope="session")
def synthetic_read(synthetic_csv: Path) -> reading.ReadResult:
    return reading.read_records([synthetic_csv])


@pytest.fixture(scope="session")
def linked(synthetic_read: reading.ReadResult) -> batch.LinkResult:
    return batch.link_table(synthetic_read.table)


@pytest.fixture(autouse=True)
def _fresh_match_index():
    """Each test's database is new: the process's real-time index must not outlive it."""
    from joinedup.identity import matching

    matching.reset()
    yield
    matching.reset()


@pytest.fixture
def saved_model(db, linked: batch.LinkResult):
    """The model trained once on synthetic records, kept as the database's model in use."""
    from joinedup.identity.models import LinkageModelVersion

    return LinkageModelVersion.objects.create(
        model=linked.model.to_json(), model_version=linked.model.model_version, trained_on=4000
    )


RECORD_HEADER = "record_id,given_name,family_name,date_of_birth,sex,address,postcode,nhs_number,upn"


def load_records(organisation, lines: list[str], actor=None):
    """Load an agency's records through the real service, as its data lead would."""
    from joinedup.identity import services
    from joinedup.identity.records import parse

    text = "\n".join([RECORD_HEADER, *lines]) + "\n"
    parsed = parse(Path("records.csv"), text.encode())
    return services.records_load(actor=actor, organisation=organisation, parsed=parsed)
