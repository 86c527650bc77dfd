"""The partnership dashboard: cells worked out by hand, small numbers suppressed, filters, the
rebuild from the casework, exports audited, managers only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.errors import NotFound
from joinedup.outcomes import dashboard, exports
from joinedup.outcomes.dashboard_build import (
    EpisodeFact,
    OutcomeFact,
    RatingFact,
    RequestFact,
    cells_from_facts,
)
from joinedup.outcomes.models import DashboardCell

pytestmark = pytest.mark.django_db


def store_facts(as_of: date) -> None:
    this_month = as_of.replace(day=1)
    long_ago = as_of - timedelta(days=800)
    requests = (
        # Six from schools in North (one about a family seen before), two from health in South.
        [
            RequestFact(this_month, "North", "Education", ("housing",), "Early help", as_of, i == 0)
            for i in range(6)
        ]
        + [
            RequestFact(this_month, "South", "Health", (), "Advice or signposting", as_of, False)
            for _ in range(2)
        ]
        + [RequestFact(long_ago, "North", "Education", (), None, None, False)]
    )
    episodes = [
        EpisodeFact(
            this_month,
            "North",
            ("housing",),
            10 + i,
            (("Closed", as_of),),
            "Outcomes achieved",
            as_of,
            None,
            "Lee Lead",
            "Council",
        )
        for i in range(5)
    ] + [
        EpisodeFact(
            this_month,
            "North",
            (),
            None,
            (),
            None,
            None,
            "Open (early help)",
            "Lee Lead",
            "Council",
        )
    ]
    outcomes = [
        OutcomeFact(as_of, "North", "housing", "Secure housing", change)
        for change in (2, 1, 0, -1, 3, 1, 2, 0, 1, -1)
    ] + [OutcomeFact(as_of, "North", "crime", "Crime prevention", 4)]
    ratings = [RatingFact(as_of, "North", ("housing",), 5) for _ in range(5)]
    dashboard.store(cells_from_facts(requests, episodes, outcomes, ratings), as_of, 0.1)


def figures(manager, **params):
    view = dashboard.dashboard(user=manager, params=params)
    return {f.figure.code: f for f in view.figures}


def rows(figure):
    return {r.key: r.text for r in figure.rows}


def test_figures_are_added_up_from_the_cells_and_small_numbers_suppressed(manager):
    today = timezone.localdate()
    store_facts(today)
    f = figures(manager)
    assert rows(f["requests_received"]) == {"Education": "6", "Health": "Fewer than 5"}
    assert f["requests_decided"].headline == "Conversion to early help: 75% of 8 decisions"
    assert rows(f["re_referrals"]) == {"First time": "7", "Again within 12 months": "Fewer than 5"}
    assert f["re_referrals"].headline == "Re-referral rate: fewer than 5 requests"
    assert rows(f["first_meeting"]) == {"All episodes": "12.0 (of 5)"}  # (10+11+12+13+14)/5
    assert rows(f["episode_events"]) == {"Opened": "6", "Closed": "5"}
    assert rows(f["closure_reasons"]) == {"Outcomes achieved": "5"}
    assert rows(f["open_now"]) == {"Open (early help)": "Fewer than 5"}
    assert rows(f["caseload_lead"]) == {"Leads with 1 to 5 open episodes": "Fewer than 5"}
    assert rows(f["caseload_organisation"]) == {"Council": "Fewer than 5"}
    # Ten housing families: 6 improved = 60%; mean change (2+1+0-1+3+1+2+0+1-1)/10 = +0.8.
    assert rows(f["outcomes_improved"]) == {
        "Crime prevention": "Fewer than 5 families",
        "Secure housing": "60% of 10",
    }
    assert rows(f["outcomes_distance"]) == {
        "Secure housing": "+0.8",
        "Crime prevention": "Fewer than 5",
    }
    assert rows(f["closure_ratings"]) == {"5: It made a very big difference": "5"}


def test_caseloads_are_stored_as_bands_and_the_largest_organisations():
    open_episode = EpisodeFact(
        date(2026, 1, 1), "North", (), None, (), None, None, "Open (early help)", "", ""
    )
    episodes = []
    for lead, held in (("A", 3), ("B", 4), ("C", 7), ("D", 2), ("E", 1), ("F", 5)):
        episodes += [replace(open_episode, lead=lead, organisation=f"Org {i}") for i in range(held)]
    cells = cells_from_facts([], episodes, [], []).rows()
    leads = {
        c.key: (c.count, c.total)
        for c in cells
        if c.figure == "caseload_lead" and c.locality == "" and c.need == ""
    }
    # Five leads hold 1 to 5 (3+4+2+1+5 = 15 episodes), one holds 7.
    assert leads == {"Leads with 1 to 5 open episodes": (5, 15), "Leads with 6 to 10": (1, 7)}
    organisations = {
        c.key: c.count
        for c in cells
        if c.figure == "caseload_organisation" and c.locality == "" and c.need == ""
    }
    assert organisations["Org 0"] == 6 and len(organisations) == 7  # Org 0 to Org 6


def test_filters_by_locality_need_and_period(manager):
    today = timezone.localdate()
    store_facts(today)
    assert rows(figures(manager, locality="South")["requests_received"]) == {
        "Health": "Fewer than 5"
    }
    housing = figures(manager, need="housing")
    assert rows(housing["requests_received"]) == {"Education": "6"}
    assert "Crime prevention" not in rows(housing["outcomes_improved"])
    # The request of 800 days ago counts only over everything.
    assert rows(figures(manager, period="all")["requests_received"])["Education"] == "7"
    assert rows(figures(manager, period="bogus")["requests_received"])["Education"] == "6"


def test_the_dashboard_names_no_child_and_is_for_managers_only(
    client, manager, outsider_user, family
):
    store_facts(timezone.localdate())
    client.force_login(manager)
    html = client.get("/outcomes/dashboard/?need=housing").content.decode()
    assert html.count("<h1") == 1 and "Conversion to early help" in html
    assert "How this is calculated" in html and "<svg" in html
    assert "Carter" not in html and "Mia" not in html
    for user in (outsider_user, family.lead):
        client.force_login(user)
        assert client.get("/outcomes/dashboard/").status_code == 404
        assert client.get("/outcomes/dashboard/requests_received.csv").status_code == 404
    with pytest.raises(NotFound):
        dashboard.dashboard(user=outsider_user, params={})


def test_exports_are_audited_and_keep_suppression(client, manager):
    store_facts(timezone.localdate())
    client.force_login(manager)
    response = client.get("/outcomes/dashboard/requests_received.csv?period=12")
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "Education,6,6" in text
    assert "Health,fewer than 5,Fewer than 5" in text
    xlsx = client.get("/outcomes/dashboard/closure_ratings.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/outcomes/dashboard/nothing.csv").status_code == 404
    events = AccessEvent.objects.filter(action="export", object_type__startswith="outcomes.")
    assert events.count() == 2
    with pytest.raises(NotFound):
        exports.dashboard_figure(user=manager, figure="open_now", fmt="pdf", params={})


def test_the_rebuild_reads_the_casework(family, manager):
    from joinedup.episodes import services as t
    from tests.outcomes.conftest import opened_days_ago

    opened_days_ago(family.episode, 10)  # its first meeting was three days ago
    t.episode_close(actor=family.lead, episode=family.episode, reason="moved_away", summary="Moved")
    build = dashboard.rebuild()
    assert build.cells == DashboardCell.objects.count() > 0
    opened = DashboardCell.objects.get(figure="episode_events", key="Opened", need="", locality="")
    closed = DashboardCell.objects.get(figure="closure_reasons", need="", locality="")
    first = DashboardCell.objects.get(figure="first_meeting", need="", locality="")
    assert (opened.count, closed.key, first.count, first.total) == (1, "Moved away", 1, 7)
    assert not DashboardCell.objects.filter(figure="open_now").exists()
