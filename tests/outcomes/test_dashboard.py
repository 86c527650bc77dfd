"""The partnership dashboard: cells worked out by hand, small numbers suppressed, filters, the
rebuild from the casework, exports audited, managers only."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes.models import ClosureFeedback
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


# --- Cells worked out by hand, and against the plain way of counting them ---------------------

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
# Where each fact below is counted: every locality ("") and its own; every need ("") and each
# of its own.
NORTH_HEALTH_HOUSING = [
    ("", ""),
    ("", "health"),
    ("", "housing"),
    ("North", ""),
    ("North", "health"),
    ("North", "housing"),
]
NORTH_HOUSING = [("", ""), ("", "housing"), ("North", ""), ("North", "housing")]
NOT_RECORDED = [("", ""), ("Not recorded", "")]
SOUTH = [("", ""), ("South", "")]


def small_partnership():
    requests = [
        RequestFact(
            date(2026, 1, 15),
            "North",
            "Education",
            ("housing", "health"),
            "Early help",
            date(2026, 2, 3),
            False,
        ),
        # The same school again, about housing only, the same month: counted with the first.
        RequestFact(date(2026, 1, 28), "North", "Education", ("housing",), None, None, False),
        # No locality recorded, no need named, seen before.
        RequestFact(date(2026, 1, 20), "", "Health", (), None, None, True),
    ]
    episodes = [
        EpisodeFact(
            date(2026, 1, 10),
            "North",
            ("housing",),
            4,
            (("Closed", date(2026, 3, 1)),),
            "Outcomes achieved",
            date(2026, 3, 1),
            None,
            "Ann Lead",
            "Council",
        ),
        EpisodeFact(
            date(2026, 2, 10),
            "South",
            (),
            None,
            (),
            None,
            None,
            "Open (early help)",
            "Bob Lead",
            "School",
        ),
    ]
    outcomes = [OutcomeFact(date(2026, 3, 5), "North", "housing", "Secure housing", 1.5)]
    ratings = [RatingFact(date(2026, 3, 2), "North", ("housing",), 5)]
    return requests, episodes, outcomes, ratings


def test_the_cells_of_a_small_partnership_worked_out_by_hand():
    expected = {}
    for loc, need in NORTH_HEALTH_HOUSING:
        education = 1 if need == "health" else 2  # the second request is not about health
        expected[("requests_received", JAN, loc, need, "Education")] = (education, 0.0)
        expected[("re_referrals", JAN, loc, need, "First time")] = (education, 0.0)
        expected[("requests_decided", FEB, loc, need, "Early help")] = (1, 0.0)
    for loc, need in NOT_RECORDED:
        expected[("requests_received", JAN, loc, need, "Health")] = (1, 0.0)
        expected[("re_referrals", JAN, loc, need, "Again within 12 months")] = (1, 0.0)
    for loc, need in NORTH_HOUSING:
        expected[("episode_events", JAN, loc, need, "Opened")] = (1, 0.0)
        expected[("episode_events", MAR, loc, need, "Closed")] = (1, 0.0)
        expected[("closure_reasons", MAR, loc, need, "Outcomes achieved")] = (1, 0.0)
        expected[("first_meeting", JAN, loc, need, "All episodes")] = (1, 4.0)
        expected[("outcomes_improved", MAR, loc, need, "all|Secure housing")] = (1, 0.0)
        expected[("outcomes_improved", MAR, loc, need, "improved|Secure housing")] = (1, 0.0)
        expected[("outcomes_distance", MAR, loc, need, "Secure housing")] = (1, 1.5)
        expected[("closure_ratings", MAR, loc, need, "5: It made a very big difference")] = (
            1,
            0.0,
        )
    for loc, need in SOUTH:
        expected[("episode_events", FEB, loc, need, "Opened")] = (1, 0.0)
        expected[("open_now", None, loc, need, "Open (early help)")] = (1, 0.0)
        expected[("caseload_lead", None, loc, need, "Leads with 1 to 5 open episodes")] = (1, 1.0)
        expected[("caseload_organisation", None, loc, need, "School")] = (1, 0.0)

    cells = cells_from_facts(*small_partnership())
    assert {(f, m, loc, n, k): (c, t) for f, m, loc, n, k, c, t in cells.values()} == expected

    dashboard.store(cells_from_facts(*small_partnership()), date(2026, 3, 31), 0.1)
    stored = {
        (c.figure, c.month, c.locality, c.need, c.key): (c.count, c.total)
        for c in DashboardCell.objects.all()
    }
    assert stored == expected


def plain_cells(requests, episodes, outcomes, ratings):
    """The cells counted the plain way, one fact at a time into every cell it belongs to (as
    the first version of the rebuild did): the reference the faster build must equal."""
    cells = defaultdict(lambda: [0, 0.0])
    holders = defaultdict(Counter)

    def add(figure, month, locality, needs, key, total=0.0):
        for need in ("", *sorted(set(needs))):
            for where in ("", locality or "Not recorded"):
                cell = cells[(figure, month, where, need, key)]
                cell[0] += 1
                cell[1] += total

    def held(figure, locality, needs, holder):
        for need in ("", *sorted(set(needs))):
            for where in ("", locality or "Not recorded"):
                holders[(figure, where, need)][holder] += 1

    def month(day):
        return day.replace(day=1)

    for r in requests:
        add("requests_received", month(r.received_on), r.locality, r.needs, r.source)
        again = "Again within 12 months" if r.again else "First time"
        add("re_referrals", month(r.received_on), r.locality, r.needs, again)
        if r.decision and r.decided_on:
            add("requests_decided", month(r.decided_on), r.locality, r.needs, r.decision)
    for e in episodes:
        add("episode_events", month(e.opened_on), e.locality, e.needs, "Opened")
        for label, on in e.events:
            add("episode_events", month(on), e.locality, e.needs, label)
        if e.closure_reason and e.closed_on:
            add("closure_reasons", month(e.closed_on), e.locality, e.needs, e.closure_reason)
        if e.first_meeting_days is not None:
            add(
                "first_meeting",
                month(e.opened_on),
                e.locality,
                e.needs,
                "All episodes",
                e.first_meeting_days,
            )
        if e.open_status:
            add("open_now", None, e.locality, e.needs, e.open_status)
            held("caseload_lead", e.locality, e.needs, e.lead)
            held("caseload_organisation", e.locality, e.needs, e.organisation)
    for o in outcomes:
        needs = (o.headline_code,)
        add("outcomes_improved", month(o.on), o.locality, needs, f"all|{o.headline}")
        if o.change > 0:
            add("outcomes_improved", month(o.on), o.locality, needs, f"improved|{o.headline}")
        add("outcomes_distance", month(o.on), o.locality, needs, o.headline, o.change)
    for f in ratings:
        label = f"{f.rating}: {ClosureFeedback.RATINGS[f.rating]}"
        add("closure_ratings", month(f.on), f.locality, f.needs, label)
    for (figure, where, need), held_by in holders.items():
        if figure == "caseload_lead":
            for n in held_by.values():
                band = next(b for top, b in dashboard.CASELOAD_BANDS if n <= top)
                cells[(figure, None, where, need, band)][0] += 1
                cells[(figure, None, where, need, band)][1] += n
            continue
        ranked = held_by.most_common()
        for holder, n in ranked[: dashboard.SHOWN]:
            cells[(figure, None, where, need, holder)] = [n, 0.0]
        if rest := sum(n for _, n in ranked[dashboard.SHOWN :]):
            cells[(figure, None, where, need, dashboard.OTHERS)] = [rest, 0.0]
    return {key: (count, total) for key, (count, total) in cells.items()}


def random_partnership(seed: int):
    rng = random.Random(seed)
    places = ["North", "South", ""]
    needs = ["housing", "health", "crime", "be-healthy"]
    start = date(2025, 1, 1)

    def day():
        return start + timedelta(days=rng.randrange(700))

    requests = [
        RequestFact(
            day(),
            rng.choice(places),
            rng.choice(["Health", "Education", "Police"]),
            tuple(rng.sample(needs, rng.randint(0, 3))),
            rng.choice([None, "Early help", "Advice or signposting"]),
            day(),
            rng.random() < 0.2,
        )
        for _ in range(400)
    ]
    episodes = []
    for _ in range(300):
        closed = rng.random() < 0.5
        on = day()
        episodes.append(
            EpisodeFact(
                day(),
                rng.choice(places),
                tuple(rng.sample(needs, rng.randint(0, 2))),
                rng.choice([None, rng.randint(0, 40)]),
                (("Closed", on),) if closed else (("Stepped up", on),),
                "Moved away" if closed else None,
                on if closed else None,
                None if closed else rng.choice(["Open (early help)", "Stepped up"]),
                f"Lead {rng.randrange(40)}",
                f"Organisation {rng.randrange(60)}",  # more than 25: some are "all others"
            )
        )
    outcomes = [
        OutcomeFact(day(), rng.choice(places), code, code.title(), rng.randint(-6, 12) / 3)
        for code in needs
        for _ in range(50)
    ]
    ratings = [
        RatingFact(day(), rng.choice(places), tuple(rng.sample(needs, 1)), rng.randint(1, 5))
        for _ in range(60)
    ]
    return requests, episodes, outcomes, ratings


@pytest.mark.parametrize("seed", [1, 19, 2026])
def test_the_cells_equal_those_counted_the_plain_way(seed):
    facts = random_partnership(seed)
    built = {
        (f, m, loc, n, k): (c, t) for f, m, loc, n, k, c, t in cells_from_facts(*facts).values()
    }
    plain = plain_cells(*facts)
    assert built.keys() == plain.keys()
    for key, (count, total) in plain.items():
        # Sums of thirds added up in another order may differ in the last binary place.
        assert built[key][0] == count and built[key][1] == pytest.approx(total, abs=1e-9), key
