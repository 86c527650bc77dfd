"""Network metrics against small graphs worked out by hand."""

from __future__ import annotations

from datetime import date

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from joinedup.errors import ApplicationError
from joinedup.insight import network as net

DAY = date(2026, 1, 15)
PERIOD = net.Period(date(2026, 1, 1), date(2026, 3, 31))


def involved(family: str, *organisations: str, start: date = DAY) -> list[net.Involvement]:
    return [net.Involvement(family, org, start) for org in organisations]


def star_network(leaves: int) -> net.EcosystemNetwork:
    """One hub sharing a family with each leaf, nothing else."""
    rows = [row for i in range(leaves) for row in involved(f"f{i}", "hub", f"leaf{i}")]
    sectors = {"hub": "statutory"} | {f"leaf{i}": "voluntary" for i in range(leaves)}
    return net.build_network(period=PERIOD, sectors=sectors, involvements=rows)


def complete_network(n: int) -> net.EcosystemNetwork:
    orgs = [f"o{i}" for i in range(n)]
    return net.build_network(
        period=PERIOD, sectors=dict.fromkeys(orgs, "health"), involvements=involved("f", *orgs)
    )


def weight(network: net.EcosystemNetwork, a: str, b: str, kind: net.TieKind = "families") -> float:
    return float(network.ties(kind)[network.index[a], network.index[b]])


def test_a_period_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ApplicationError) as refused:
        net.Period(date(2026, 3, 1), date(2026, 2, 28))
    assert refused.value.field == "end"
    assert "ends (28 February 2026) before it starts (1 March 2026)" in refused.value.message


def test_standard_periods_are_90_and_365_days_inclusive() -> None:
    quarter = net.Period.ending(date(2026, 3, 31), 90)
    assert quarter.start == date(2026, 1, 1)
    assert (quarter.end - quarter.start).days + 1 == 90
    assert net.STANDARD_PERIODS_DAYS == (90, 365)


def test_each_family_adds_one_over_k_minus_one_between_its_organisations() -> None:
    rows = involved("f1", "a", "b", "c") + involved("f2", "a", "b")
    network = net.build_network(period=PERIOD, sectors={}, involvements=rows)
    assert weight(network, "a", "b") == pytest.approx(0.5 + 1.0)
    assert weight(network, "a", "c") == pytest.approx(0.5)
    assert weight(network, "b", "c") == pytest.approx(0.5)
    # One family adds at most 1 to an organisation's strength, however many are involved.
    assert float(network.ties()[network.index["c"]].sum()) == pytest.approx(1.0)
    assert network.shared_families[network.index["a"], network.index["b"]] == 2
    assert network.caseload.tolist() == [2, 2, 1]


def test_a_big_family_team_gives_each_member_strength_one() -> None:
    orgs = [f"o{i}" for i in range(7)]
    network = net.build_network(period=PERIOD, sectors={}, involvements=involved("f", *orgs))
    strengths = np.asarray(network.ties().sum(axis=1)).ravel()
    assert strengths == pytest.approx([1.0] * 7)


def test_duplicate_involvements_count_once() -> None:
    rows = involved("f1", "a", "b") + involved("f1", "a")
    network = net.build_network(period=PERIOD, sectors={}, involvements=rows)
    assert weight(network, "a", "b") == 1.0


def test_only_work_overlapping_the_period_counts() -> None:
    rows = [
        net.Involvement("old", "a", date(2025, 1, 1), date(2025, 6, 1)),
        net.Involvement("old", "b", date(2025, 1, 1), date(2025, 6, 1)),
        net.Involvement("late", "a", date(2025, 12, 1), date(2026, 1, 2)),
        net.Involvement("late", "c", date(2026, 3, 31)),
        net.Involvement("future", "a", date(2026, 4, 1)),
        net.Involvement("future", "d", date(2026, 4, 1)),
    ]
    network = net.build_network(period=PERIOD, sectors={}, involvements=rows)
    assert weight(network, "a", "c") == 1.0
    assert "b" not in network.index and "d" not in network.index


def test_referrals_are_directed_and_meetings_normalised() -> None:
    network = net.build_network(
        period=PERIOD,
        sectors={},
        referrals=[
            net.Referral("a", "b", DAY),
            net.Referral("a", "b", DAY),
            net.Referral("b", "a", DAY),
            net.Referral("a", "b", date(2025, 1, 1)),
        ],
        meetings=[net.MeetingAttendance("m1", frozenset({"a", "b", "c"}), DAY)],
    )
    i, j = network.index["a"], network.index["b"]
    assert network.referrals[i, j] == 2 and network.referrals[j, i] == 1
    assert weight(network, "a", "b", "referrals") == 3
    assert weight(network, "a", "c", "meetings") == pytest.approx(0.5)
    assert weight(network, "a", "b", "all") == pytest.approx(3.5)
    flows = net.referral_flows(network)
    assert (flows[0].from_organisation, flows[0].to_organisation) == ("a", "b")
    assert (flows[0].referrals, flows[0].returned) == (2, 1)


def test_density_of_a_path_of_four() -> None:
    rows = involved("f1", "a", "b") + involved("f2", "b", "c") + involved("f3", "c", "d")
    metrics = net.network_metrics(net.build_network(period=PERIOD, sectors={}, involvements=rows))
    assert metrics.ties == 3
    assert metrics.density == pytest.approx(3 / 6)


def test_isolated_organisations_count_in_density_and_components() -> None:
    rows = involved("f1", "a", "b")
    sectors = {"a": "health", "b": "health", "c": "police"}
    metrics = net.network_metrics(
        net.build_network(period=PERIOD, sectors=sectors, involvements=rows)
    )
    assert metrics.density == pytest.approx(1 / 3)
    assert (metrics.components, metrics.largest_component, metrics.isolated) == (2, 2, 1)


def test_freeman_centralisation_is_one_for_a_star_and_zero_for_a_complete_graph() -> None:
    assert net.network_metrics(star_network(5)).centralisation == pytest.approx(1.0)
    assert net.network_metrics(complete_network(5)).centralisation == pytest.approx(0.0)


def test_freeman_centralisation_by_hand() -> None:
    # Path a-b-c-d: degrees 1, 2, 2, 1; Σ(2 − d) = 2; (n−1)(n−2) = 6.
    assert net.degree_centralisation(np.array([1, 2, 2, 1])) == pytest.approx(2 / 6)
    assert net.degree_centralisation(np.array([1, 1])) is None


def test_ei_index_by_hand() -> None:
    # Ties: a-b (health-health, internal), a-c and b-c (health-police, external).
    rows = involved("f1", "a", "b") + involved("f2", "a", "c") + involved("f3", "b", "c")
    sectors = {"a": "health", "b": "health", "c": "police"}
    metrics = net.network_metrics(
        net.build_network(period=PERIOD, sectors=sectors, involvements=rows)
    )
    assert metrics.ei_index == net.EIIndex(value=(2 - 1) / 3, external=2, internal=1)
    assert metrics.ei_by_sector["police"].value == 1.0
    # Health holds a-b twice (once from each end) and two external ties: (2 − 2) / 4.
    assert metrics.ei_by_sector["health"].value == 0.0


def test_ei_index_weighted_uses_strength() -> None:
    rows = involved("f1", "a", "b") + involved("f2", "a", "b") + involved("f3", "a", "c")
    sectors = {"a": "health", "b": "health", "c": "police"}
    metrics = net.network_metrics(
        net.build_network(period=PERIOD, sectors=sectors, involvements=rows)
    )
    assert metrics.ei_index.value == 0.0
    assert metrics.ei_index_weighted.value == pytest.approx((1 - 2) / 3)


def test_ei_index_without_ties_is_not_defined() -> None:
    assert net.ei_index(sparse.csr_matrix((2, 2)), ["a", "b"]).value is None


def test_strength_share_and_brokers_of_a_star() -> None:
    metrics = net.network_metrics(star_network(4))
    hub = next(o for o in metrics.by_organisation if o.organisation == "hub")
    assert (hub.ties, hub.strength, hub.share_of_strength) == (4, 4.0, 0.5)
    assert hub.betweenness == pytest.approx(1.0)
    assert [b.organisation for b in metrics.brokers] == ["hub"]
    assert metrics.largest_share == hub


def test_communities_find_two_cliques_joined_by_one_tie() -> None:
    left = [f"l{i}" for i in range(4)]
    right = [f"r{i}" for i in range(4)]
    rows = involved("left", *left) + involved("right", *right) + involved("bridge", "l0", "r0")
    rows += involved("left2", *left) + involved("right2", *right)
    metrics = net.network_metrics(net.build_network(period=PERIOD, sectors={}, involvements=rows))
    assert set(metrics.communities) == {frozenset(left), frozenset(right)}
    assert metrics.modularity is not None and metrics.modularity > 0.3


def test_min_strength_drops_weak_ties() -> None:
    rows = involved("f1", "a", "b", "c") + involved("f2", "a", "b")
    network = net.build_network(period=PERIOD, sectors={}, involvements=rows)
    assert net.network_metrics(network, min_strength=1.0).ties == 1


def graph_to_network(graph: nx.Graph) -> net.EcosystemNetwork:
    rows = [row for k, (u, v) in enumerate(graph.edges) for row in involved(f"f{k}", u, v)]
    return net.build_network(
        period=PERIOD, sectors=dict.fromkeys(graph.nodes, "s"), involvements=rows
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_betweenness_matches_networkx(seed: int) -> None:
    graph = nx.gnp_random_graph(40, 0.1, seed=seed)
    network = graph_to_network(graph)
    ours = net.network_metrics(network)
    expected = nx.betweenness_centrality(graph, normalized=True)
    assert not ours.betweenness_approximate
    for org in ours.by_organisation:
        assert org.betweenness == pytest.approx(expected[org.organisation], abs=1e-12)


def test_sampled_betweenness_is_repeatable_and_close() -> None:
    graph = nx.barabasi_albert_graph(300, 2, seed=4)
    network = graph_to_network(graph)
    first = net.network_metrics(network, exact_betweenness_up_to=50, betweenness_samples=150)
    again = net.network_metrics(network, exact_betweenness_up_to=50, betweenness_samples=150)
    assert first.betweenness_approximate and first.betweenness_samples == 150
    assert first.by_organisation == again.by_organisation
    expected = nx.betweenness_centrality(graph)
    top = max(expected, key=expected.__getitem__)
    assert first.brokers[0].organisation == top


def test_an_empty_partnership_has_no_figures_to_break() -> None:
    metrics = net.network_metrics(net.build_network(period=PERIOD, sectors={"a": "health"}))
    assert (metrics.ties, metrics.density, metrics.centralisation) == (0, 0.0, None)
    assert metrics.communities == () and metrics.brokers == ()


def test_pair_ties_gives_every_figure() -> None:
    network = net.build_network(
        period=PERIOD,
        sectors={},
        involvements=involved("f1", "a", "b"),
        referrals=[net.Referral("b", "a", DAY)],
    )
    assert net.pair_ties(network, "a", "b") == {
        "families": 1.0,
        "shared_families": 1.0,
        "meetings": 0.0,
        "referrals_a_to_b": 0.0,
        "referrals_b_to_a": 1.0,
    }


families_strategy = st.lists(
    st.sets(st.sampled_from("abcdefgh"), min_size=1, max_size=6), min_size=1, max_size=25
)


@settings(max_examples=60, deadline=None)
@given(
    families=families_strategy,
    sectors=st.lists(st.sampled_from(["x", "y", "z"]), min_size=8, max_size=8),
)
def test_properties_of_any_network(families: list[set[str]], sectors: list[str]) -> None:
    rows = [row for k, orgs in enumerate(families) for row in involved(f"f{k}", *sorted(orgs))]
    sector_of = dict(zip("abcdefgh", sectors, strict=True))
    metrics = net.network_metrics(
        net.build_network(period=PERIOD, sectors=sector_of, involvements=rows)
    )
    assert 0.0 <= metrics.density <= 1.0
    assert metrics.centralisation is not None and -1e-12 <= metrics.centralisation <= 1 + 1e-12
    for ei in (metrics.ei_index, metrics.ei_index_weighted, *metrics.ei_by_sector.values()):
        assert ei.value is None or -1.0 <= ei.value <= 1.0
    # Each family adds at most 1 to an organisation's strength.
    for org in metrics.by_organisation:
        assert org.strength <= org.shared_caseload + 1e-9
