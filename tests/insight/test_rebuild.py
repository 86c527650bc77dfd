"""The rebuild over a small hand-built partnership (tests/insight/conftest.py), checked against
figures worked out by hand; casework is read in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.episodes import services as t
from joinedup.frontdoor import services as casework
from joinedup.insight import services
from joinedup.insight.models import (
    BuildStatus,
    ContinuumResult,
    InsightBuild,
    NetworkResult,
    Prompt,
    VoiceResult,
)
from joinedup.insight.reading import read_casework
from joinedup.insight.rebuild import run as rebuild
from tests import factories

pytestmark = pytest.mark.django_db


def _network(build, days=365, nodes="organisation", locality=""):
    return NetworkResult.objects.get(
        build=build, period_days=days, nodes_are=nodes, locality=locality
    )


def test_network_figures_match_the_hand_worked_partnership(partnership):
    build = services.build_now()
    assert build.status == BuildStatus.DONE
    result = _network(build)
    s = result.summary
    assert s["nodes"] == 4 and s["ties"] == 3
    assert s["density"] == pytest.approx(3 / 6)
    assert s["components"] == 2 and s["isolated"] == 1
    assert s["centralisation"] == pytest.approx(2 / 6)
    assert s["ei_index"]["value"] == pytest.approx(1.0)  # every tie crosses sectors
    nodes = {n.label: n for n in result.nodes.all()}
    assert nodes["Council"].strength == pytest.approx(2.0)
    assert nodes["Health"].strength == pytest.approx(2.0)
    assert nodes["Charity"].strength == pytest.approx(1.0)
    assert nodes["School"].strength == 0 and nodes["School"].ties == 0
    assert nodes["Council"].share_of_strength == pytest.approx(0.4)
    assert nodes["Council"].meetings_strength == pytest.approx(1.0)  # met with the Charity
    assert nodes["Council"].caseload == 2 and nodes["Charity"].caseload == 2
    ties = {frozenset((tie["a"], tie["b"])): tie for tie in result.ties}
    assert ties[frozenset(("Council", "Health"))]["families"] == pytest.approx(1.5)
    assert ties[frozenset(("Council", "Health"))]["shared_families"] == 2
    assert ties[frozenset(("Council", "Charity"))]["families"] == pytest.approx(0.5)
    assert ties[frozenset(("Council", "Charity"))]["meetings"] == pytest.approx(1.0)
    drawn = {n["label"] for n in result.map["nodes"]}
    assert drawn == {"Council", "Health", "Charity", "School"}
    assert len(result.map["ties"]) == 3


def test_balance_of_voice_shares_match_by_hand(partnership):
    build = services.build_now()
    payload = VoiceResult.objects.get(build=build, period_days=365, group_by="sector").payload
    groups = {g["group"]: g for g in payload["groups"]}
    # Memberships: council 2 (lead of E1, member of E2), charity 2, health 1 (lead of E2).
    assert {k: g["counts"]["memberships"] for k, g in groups.items()} == {
        "statutory": 2,
        "voluntary": 2,
        "health": 1,
    }
    assert groups["statutory"]["shares"]["lead_roles"] == pytest.approx(0.5)
    assert groups["health"]["shares"]["lead_roles"] == pytest.approx(0.5)
    assert groups["voluntary"]["shares"]["lead_roles"] == 0
    assert groups["statutory"]["lead_to_membership"] == pytest.approx(0.5 / 0.4)
    assert groups["voluntary"]["counts"]["actions_owned"] == 2
    assert groups["voluntary"]["shares"]["actions_owned"] == pytest.approx(2 / 3)
    assert groups["voluntary"]["counts"]["meetings_attended"] == 2
    professions = VoiceResult.objects.get(build=build, period_days=90, group_by="profession")
    assert {g["group"] for g in professions.payload["groups"]} >= {"idva", "health_visitor"}


def test_continuum_places_pairs_and_counts_teams_without_naming_them(partnership):
    build = services.build_now()
    payload = ContinuumResult.objects.get(build=build, period_days=365).payload
    pairs = {frozenset((p["a"], p["b"])): p for p in payload["pairs"]}
    assert pairs[frozenset(("Council", "Charity"))]["observed_label"] == "Collaborating"
    assert pairs[frozenset(("Council", "Health"))]["observed_label"] == "Networking"
    stages = {s["stage"]: s["teams"] for s in payload["teams"]["stages"]}
    assert stages["Collaborating"] == 1 and stages["Networking"] == 1
    assert payload["teams"]["total"] == 2
    text = str(payload)
    assert "Child1" not in text and "Family1" not in text


def test_localities_and_other_kinds_of_node_are_built(partnership):
    partnership.council.locality = "North"
    partnership.council.save()
    partnership.health.locality = "North"
    partnership.health.save()
    build = services.build_now()
    north = _network(build, locality="North")
    assert north.summary["nodes"] == 2 and north.summary["ties"] == 1
    assert _network(build, nodes="team").summary["nodes"] == 0  # no teams in this partnership
    professions = _network(build, days=90, nodes="profession")
    assert professions.summary["nodes"] >= 4


def test_casework_is_read_in_a_constant_number_of_queries(partnership):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as small:
        read_casework(as_of=today)
    for i in range(3):
        child = factories.person(f"More{i}", "Kids")
        factories.involvement(partnership.council, child)
        episode = casework.episode_open_practitioner_led(actor=partnership.lead, persons=[child])
        t.member_add(
            actor=partnership.lead, episode=episode, practitioner=partnership.nurse, role="HV"
        )
    with CaptureQueriesContext(connection) as larger:
        casework_rows = read_casework(as_of=today)
    assert len(larger) == len(small) == casework_rows.queries
    assert len(casework_rows.episodes) == 5


def test_prompts_keep_their_discussion_across_rebuilds(partnership):
    first = services.build_now()
    prompts = list(Prompt.objects.filter(active=True))
    assert prompts, "the partnership has at least one pattern worth a conversation"
    services.prompt_discuss(
        actor=partnership.manager, prompt=prompts[0], action_agreed="Joint training in May"
    )
    second = services.build_now()
    again = Prompt.objects.get(pk=prompts[0].pk)
    assert again.active and again.last_seen_id == second.pk and again.first_seen_id == first.pk
    assert again.discussions.get().action_agreed == "Joint training in May"
    for prompt in Prompt.objects.all():
        assert "Child" not in str(prompt.evidence) and "Family" not in prompt.text


def test_a_failed_rebuild_writes_nothing_but_its_failure(partnership, monkeypatch):
    good = services.build_now()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rebuild, "_continuum_result", broken)
    with pytest.raises(RuntimeError):
        services.build_now()
    failed = InsightBuild.objects.first()
    assert failed.status == BuildStatus.FAILED and "disk full" in failed.message
    assert not NetworkResult.objects.filter(build=failed).exists()
    assert NetworkResult.objects.filter(build=good).exists()


def test_the_command_line_rebuild(partnership, capsys):
    from django.core.management import call_command

    call_command("insight_rebuild")
    assert "Partnership health rebuilt" in capsys.readouterr().out
    assert InsightBuild.objects.filter(status=BuildStatus.DONE).count() == 1


def test_old_builds_are_forgotten(partnership):
    for _ in range(rebuild.BUILDS_KEPT + 2):
        services.build_now()
    assert InsightBuild.objects.count() == rebuild.BUILDS_KEPT


def test_referral_flows_of_a_network_without_referrals_are_empty():
    from datetime import date

    from joinedup.insight import network as net

    period = net.Period(date(2026, 1, 1), date(2026, 3, 31))
    network = net.build_network(
        period=period,
        sectors={"a": "health", "b": "police"},
        involvements=[net.Involvement("f", "a", date(2026, 2, 1))],
    )
    assert net.referral_flows(network) == ()
