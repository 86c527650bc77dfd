"""Every CSV and XLSX export writes its cells through one helper, so no formula runs (item 14)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from joinedup.core.spreadsheets import FORMULA_START, SafeWriter, safe_cell, safe_row
from joinedup.sharing import policy
from tests import factories

SRC = Path(__file__).resolve().parents[2] / "src" / "joinedup"
# Writers of files that are not exports a person opens: the linkage command's synthetic data.
NOT_EXPORTS = {"identity/linkage/synthetic.py", "core/spreadsheets.py"}


@pytest.mark.parametrize("start", FORMULA_START)
def test_text_that_starts_like_a_formula_is_quoted(start):
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_other_values_are_unchanged():
    assert safe_row(["Maya", 3, None, "a=b", ""]) == ["Maya", 3, None, "a=b", ""]


def test_the_safe_writer_quotes_every_row():
    out = io.StringIO()
    SafeWriter(out).writerows([["=1+1", "ok"], ["@SUM(A1)", "-2"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1+1", "ok"],
        ["'@SUM(A1)", "'-2"],
    ]


def test_every_csv_and_xlsx_export_writes_through_the_shared_helper():
    """An export that builds its own csv.writer or Workbook cells would skip the quoting."""
    offenders = []
    for path in SRC.rglob("*.py"):
        name = path.relative_to(SRC).as_posix()
        if "migrations" in name or name in NOT_EXPORTS:
            continue
        text = path.read_text()
        if re.search(r"csv\.(writer|DictWriter)\(", text):
            offenders.append(name)
        if "Workbook(" in text and "safe_row(" not in text:
            offenders.append(name)
    assert offenders == []


@pytest.mark.django_db
def test_a_formula_planted_through_a_refused_address_is_quoted_in_the_audit_export(
    client, outsider
):
    office = factories.organisation("Early Help Hub", sector="statutory")
    dpo = factories.practitioner(
        office, roles=("data_protection_officer",), profession="data_protection_officer"
    )
    # An unrelated user asks for a record with a formula as its id: the refusal is audited.
    policy.refuse(outsider, object_type="people.person", object_id='=HYPERLINK("http://x")')
    client.force_login(dpo)
    response = client.get(reverse("audit:audit-export"), {"user": outsider.email})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells
    assert not any(cell.startswith(FORMULA_START) for cell in cells)
