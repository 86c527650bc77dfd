"""CSV and XLSX exports of the stored results: readable, audited, managers only."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from joinedup.audit.models import AccessEvent
from joinedup.insight import services
from tests.insight.conftest import all_agree, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(partnership):
    return services.build_now()


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("what", "query", "first_header"),
    [
        ("network", "?period=365&nodes=organisation", "Name"),
        ("voice", "?period=90&by=sector", "Sector"),
        ("continuum", "?period=365", "A"),
    ],
)
def test_each_topic_exports_as_csv_and_xlsx_and_is_audited(
    client, partnership, built, what, query, first_header
):
    client.force_login(partnership.manager)
    response = client.get(f"/partnership-health/export/{what}.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][0] == first_header and len(rows) > 1
    response = client.get(f"/partnership-health/export/{what}.xlsx{query}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert len(book.sheetnames) >= 2
    first = next(book.worksheets[0].iter_rows(values_only=True))
    assert first[0] == first_header
    events = AccessEvent.objects.filter(
        actor=partnership.manager, action="export", object_type=f"insight.{what}"
    )
    assert sorted(e.detail["format"] for e in events) == ["csv", "xlsx"]
    assert events.first().object_id == str(built.pk)


def test_network_export_holds_the_hand_worked_figures(client, partnership, built):
    client.force_login(partnership.manager)
    rows = _csv(client.get("/partnership-health/export/network.csv?period=365"))
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"Council", "Health", "Charity", "School"}
    assert float(by_name["Council"][4]) == pytest.approx(2.0)
    book = load_workbook(
        io.BytesIO(client.get("/partnership-health/export/network.xlsx").content), read_only=True
    )
    ties = list(book["Ties"].iter_rows(values_only=True))
    assert len(ties) == 4  # the header and three ties


def test_survey_results_export_shows_suppression(client, partnership):
    survey_round = open_round(partnership.manager)
    for person in (partnership.lead, partnership.nurse, partnership.adviser):
        services.response_submit(
            actor=person, survey_round=survey_round, answers=all_agree(survey_round)
        )
    services.build_now()
    client.force_login(partnership.manager)
    rows = _csv(client.get(f"/partnership-health/export/survey.csv?round={survey_round.pk}"))
    assert rows[0][:3] == ["Group", "Score", "n"]
    assert rows[1][0] == "Everyone" and rows[1][2] == "3"
    book = load_workbook(
        io.BytesIO(
            client.get(f"/partnership-health/export/survey.xlsx?round={survey_round.pk}").content
        ),
        read_only=True,
    )
    by_org = list(book["Scores by organisation"].iter_rows(values_only=True))
    assert any(row[2] == "Fewer than 3 responses: not shown" for row in by_org[1:])


def test_text_that_looks_like_a_formula_is_quoted(client, partnership, built):
    partnership.school.name = "=HYPERLINK(1)"
    partnership.school.save()
    services.build_now()
    client.force_login(partnership.manager)
    rows = _csv(client.get("/partnership-health/export/network.csv"))
    assert "'=HYPERLINK(1)" in [row[0] for row in rows]


def test_a_non_manager_is_refused_an_export_like_a_missing_page(client, partnership, built):
    client.force_login(partnership.teacher)
    response = client.get("/partnership-health/export/network.csv")
    assert response.status_code == 404
    assert AccessEvent.objects.filter(actor=partnership.teacher, action="refused").exists()
    assert not AccessEvent.objects.filter(action="export").exists()
    client.force_login(partnership.manager)
    assert client.get("/partnership-health/export/secrets.csv").status_code == 404
    assert client.get("/partnership-health/export/network.pdf").status_code == 404
