"""The path over JSON, under the same policy: bad input names its field, outsiders get 404."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from joinedup.protection.models import Conference, ProtectionCase

API = "/api/v1"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, path: str, body: dict) -> tuple[int, dict]:
    response = client.post(API + path, json.dumps(body), content_type="application/json")
    return response.status_code, response.json() if response.content else {}


ATTENDEES = [
    {"name": "Dan Hughes", "agency": "social_work"},
    {"name": "PC Shaw", "agency": "police"},
    {"name": "Nurse Lee", "agency": "health"},
]


def test_path_over_the_api(stepped_up, child, social_worker, teacher):
    client = client_for(social_worker)
    status, body = post(
        client,
        f"/episodes/{stepped_up.pk}/child-protection",
        {
            "child_id": child.pk,
            "lead_practitioner_id": social_worker.pk,
            "referral_date": "2025-11-03",
            "referral_source": "2A",
            "primary_need": "N1",
            "ethnicity": "WBRI",
            "disabilities": ["NONE"],
        },
    )
    assert status == 201, body
    case_id = body["id"]
    base = f"/child-protection/{case_id}"
    assert (
        post(
            client,
            f"{base}/strategy-discussions",
            {
                "held_on": "2025-11-10",
                "attendees": ATTENDEES,
                "decision": "s47",
                "reasons": "Bruises",
            },
        )[0]
        == 201
    )
    # An ICPC dated before its strategy discussion is refused, naming the field.
    status, body = post(
        client,
        f"{base}/conferences",
        {
            "kind": "initial",
            "held_on": "2025-11-07",
            "attendees": ATTENDEES,
            "decision": "plan",
            "category": "PHY",
        },
    )
    assert (status, body["field"]) == (422, "held_on")
    # A plan without a category of abuse is refused.
    status, body = post(
        client,
        f"{base}/conferences",
        {"kind": "initial", "held_on": "2025-11-21", "attendees": ATTENDEES, "decision": "plan"},
    )
    assert (status, body["field"]) == (422, "category")
    assert not Conference.objects.exists()
    assert post(client, f"{base}/enquiry", {"started_on": "2025-11-10"})[0] == 201
    status, _ = post(
        client,
        f"{base}/conferences",
        {
            "kind": "initial",
            "held_on": "2025-11-21",
            "attendees": ATTENDEES,
            "decision": "plan",
            "category": "PHY",
            "reports": {"police": "Two call-outs."},
            "child_views": "Wants to stay at home.",
        },
    )
    assert status == 201
    record = client.get(f"{API}{base}").json()
    assert record["status"] == "plan" and record["plan"]["category"] == "PHY"
    assert record["conferences"][0]["reports"] == {"police": "Two call-outs."}
    owner = ProtectionCase.objects.get().episode.members.get(practitioner=teacher)
    assert (
        post(
            client,
            f"{base}/plan/actions",
            {"owner_member_id": owner.pk, "text": "Check in daily", "due_on": str(date.today())},
        )[0]
        == 201
    )
    # A review outside its timescale without a reason: the first was due by 20 February 2026.
    status, body = post(
        client,
        f"{base}/conferences",
        {
            "kind": "review",
            "held_on": "2026-02-24",
            "attendees": ATTENDEES,
            "decision": "continue",
            "category": "PHY",
        },
    )
    assert (status, body["field"]) == (422, "late_reason")
    status, body = post(
        client, f"{base}/family-network", {"name": "Jodie", "relationship": "Mother"}
    )
    assert status == 201
    mum = body["id"]
    assert post(client, f"{base}/proceedings", {"applied_on": "2026-03-02"})[0] == 201
    status, body = post(
        client,
        f"{base}/fgdm/meetings",
        {
            "held_on": "2026-03-09",
            "attended_member_ids": [mum],
            "child_participation": "views",
            "family_plan": "Gran helps.",
        },
    )
    assert (status, body["field"]) == (422, "held_on")
    warnings = client.get(f"{API}{base}").json()["warnings"]
    assert any("no family group decision-making meeting was offered" in w for w in warnings)


def test_teams_over_the_api(manager, officer, teacher):
    client = client_for(manager)
    status, body = post(client, "/child-protection/teams", {"name": "North", "area": "North"})
    assert status == 201
    team = body["id"]
    assert (
        post(
            client,
            f"/child-protection/teams/{team}/members",
            {"practitioner_id": officer.pk, "agency": "police"},
        )[0]
        == 201
    )
    status, body = post(
        client,
        f"/child-protection/teams/{team}/members",
        {"practitioner_id": teacher.pk, "agency": "health", "nominated_by_icb": False},
    )
    assert status == 201
    got = client.get(f"{API}/child-protection/teams/{team}").json()
    assert got["missing_memberships"] == [
        "a person from education",
        "a social worker",
        "a registered health professional nominated by the integrated care board",
    ]


def test_census_year_not_ended_is_refused(manager):
    response = client_for(manager).get(
        f"{API}/child-protection/census/{date.today().year + 1}", {"la_code": "999"}
    )
    assert response.status_code == 422 and response.json()["field"] == "year"


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/child-protection/{case}"),
        ("post", "/child-protection/{case}/strategy-discussions"),
        ("post", "/child-protection/{case}/enquiry"),
        ("post", "/child-protection/{case}/enquiry/outcome"),
        ("post", "/child-protection/{case}/conferences"),
        ("post", "/child-protection/{case}/plan/actions"),
        ("post", "/child-protection/{case}/core-groups"),
        ("post", "/child-protection/{case}/lead"),
        ("post", "/child-protection/{case}/step-down"),
        ("post", "/child-protection/{case}/family-network"),
        ("post", "/child-protection/{case}/fgdm/offers"),
        ("post", "/child-protection/{case}/fgdm/answers/1"),
        ("post", "/child-protection/{case}/fgdm/meetings"),
        ("post", "/child-protection/{case}/fgdm/exemption"),
        ("post", "/child-protection/{case}/proceedings"),
        ("post", "/child-protection/{case}/assessments"),
        ("post", "/child-protection/{case}/assessments/1/authorisation"),
        ("post", "/child-protection/{case}/cin-plans"),
        ("post", "/child-protection/{case}/cin-plans/end"),
        ("post", "/episodes/{episode}/child-protection"),
        ("get", "/child-protection/teams/{team}"),
        ("post", "/child-protection/teams/{team}/members"),
        ("post", "/child-protection/teams"),
        ("get", "/child-protection/census/2026?la_code=999"),
        ("get", "/child-protection/census/2026/xml?la_code=999"),
    ],
)
def test_outsider_and_family_are_refused_every_endpoint(
    case, manager, outsider, mother_user, method, path
):
    from joinedup.protection import services

    team = services.cp_team_create(actor=manager, name="T", area="A")
    url = API + path.format(case=case.pk, episode=case.episode_id, team=team.pk)
    bodies = {
        "/child-protection/{case}/strategy-discussions": {
            "held_on": "2025-11-10",
            "attendees": ATTENDEES,
            "decision": "s47",
            "reasons": "x",
        },
        "/child-protection/{case}/enquiry": {"started_on": "2025-11-10"},
        "/child-protection/{case}/family-network": {"name": "X", "relationship": "Aunt"},
        "/child-protection/{case}/proceedings": {"applied_on": "2026-03-02"},
        "/child-protection/{case}/cin-plans": {"started_on": "2025-11-21"},
        "/child-protection/{case}/cin-plans/end": {"ended_on": "2025-12-05"},
        "/child-protection/teams": {"name": "N", "area": "A"},
        "/episodes/{episode}/child-protection": {
            "child_id": case.child_id,
            "lead_practitioner_id": case.lead_practitioner_id,
            "referral_date": "2025-11-03",
        },
    }
    for user in (outsider, mother_user):
        client = client_for(user)
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(
                url, json.dumps(bodies.get(path, {})), content_type="application/json"
            )
        # Security: same as missing, or refused before any lookup for a malformed body.
        assert response.status_code in (404, 422), (user, path, response.status_code)
        if path in bodies or method == "get":
            assert response.status_code == 404, (user, path, response.content)
    assert ProtectionCase.objects.get().strategies.count() == 0
