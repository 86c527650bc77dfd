"""The ecosystem networks and their metrics, by period and locality."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np
from scipy import sparse

from joinedup.insight import layout
from joinedup.insight import network as net
from joinedup.insight.models import (
    NodeKind,
)
from joinedup.insight.reading import Casework, NodeInfo
from joinedup.insight.rebuild.common import (
    COMMUNITY_MEMBERS_LISTED,
    FLOWS_LISTED,
    LOCALITY_TIES,
    STORED_TIES,
    Computed,
    _Rows,
)


def _network_results(
    out: Computed, casework: Casework, rows: _Rows, kind: str, days: int, period: net.Period
) -> tuple[net.EcosystemNetwork, net.NetworkMetrics]:
    nodes = casework.nodes(kind)
    network = net.build_network(
        period=period,
        sectors={key: info.sector for key, info in nodes.items()},
        involvements=rows.families,
        referrals=rows.referrals,
        meetings=rows.meetings,
    )
    metrics = net.network_metrics(network)
    out.networks.append(_network_out(network, metrics, nodes, kind, days, "", STORED_TIES))
    # Locality views for organisations (teams sit inside them): a view per locality keeps the
    # rebuild within budget at 10,000 organisations in 50 localities.
    if kind == NodeKind.ORGANISATION:
        for locality, indices in _localities(network, nodes).items():
            sub = sub_network(network, indices)
            sub_metrics = net.network_metrics(sub)
            out.networks.append(
                _network_out(sub, sub_metrics, nodes, kind, days, locality, LOCALITY_TIES)
            )
    return network, metrics


def _localities(
    network: net.EcosystemNetwork, nodes: Mapping[Hashable, NodeInfo]
) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = defaultdict(list)
    for i, node in enumerate(network.nodes):
        info = nodes.get(node)
        if info is not None and info.locality:
            grouped[info.locality].append(i)
    return {name: found for name, found in sorted(grouped.items()) if len(found) >= 2}


def sub_network(network: net.EcosystemNetwork, indices: list[int]) -> net.EcosystemNetwork:
    """The organisations at `indices` and the ties between them (weights as in the whole)."""
    keep = np.asarray(indices, dtype=np.int64)

    def part(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
        return sparse.csr_matrix(sparse.csr_matrix(matrix)[keep][:, keep])

    nodes = tuple(network.nodes[i] for i in keep.tolist())
    return net.EcosystemNetwork(
        period=network.period,
        nodes=nodes,
        sectors=tuple(network.sectors[i] for i in keep.tolist()),
        families=part(network.families),
        shared_families=part(network.shared_families),
        meetings=part(network.meetings),
        referrals=part(network.referrals),
        caseload=network.caseload[keep],
        shared_caseload=network.shared_caseload[keep],
        index={node: i for i, node in enumerate(nodes)},
    )


def _ei(value: net.EIIndex) -> dict[str, Any]:
    return {"value": value.value, "external": value.external, "internal": value.internal}


def _network_out(
    network: net.EcosystemNetwork,
    metrics: net.NetworkMetrics,
    nodes: Mapping[Hashable, NodeInfo],
    kind: str,
    days: int,
    locality: str,
    ties_cap: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    labels = {key: info.label for key, info in nodes.items()}

    def name(node: Hashable) -> str:
        return labels.get(node, str(node))

    meetings = np.asarray(sparse.csr_matrix(network.meetings).sum(axis=1)).ravel()
    node_rows = [
        {
            "key": f"{kind}:{org.organisation}",
            "label": name(org.organisation),
            "sector": org.sector,
            "locality": getattr(nodes.get(org.organisation), "locality", ""),
            "ties": org.ties,
            "strength": round(org.strength, 4),
            "share_of_strength": round(org.share_of_strength, 6),
            "meetings_strength": round(float(meetings[i]), 4),
            "caseload": org.caseload,
            "shared_caseload": org.shared_caseload,
            "betweenness": round(org.betweenness, 6),
            "community": None if org.community is None else org.community + 1,
            "referrals_sent": org.referrals_sent,
            "referrals_received": org.referrals_received,
        }
        for i, org in enumerate(metrics.by_organisation)
    ]
    ties, total = _ties(network, name, ties_cap)
    summary = {
        "nodes": metrics.organisations,
        "ties": metrics.ties,
        "density": metrics.density,
        "components": metrics.components,
        "largest_component": metrics.largest_component,
        "isolated": metrics.isolated,
        "centralisation": metrics.centralisation,
        "ei_index": _ei(metrics.ei_index),
        "ei_index_weighted": _ei(metrics.ei_index_weighted),
        "ei_by_sector": [
            {"sector": s, "label": layout.sector_label(s), **_ei(v)}
            for s, v in metrics.ei_by_sector.items()
        ],
        "communities": [
            {
                "number": i + 1,
                "size": len(members),
                "members": sorted(name(m) for m in members)[:COMMUNITY_MEMBERS_LISTED],
                "more": max(0, len(members) - COMMUNITY_MEMBERS_LISTED),
            }
            for i, members in enumerate(metrics.communities)
        ],
        "modularity": metrics.modularity,
        "betweenness_approximate": metrics.betweenness_approximate,
        "betweenness_samples": metrics.betweenness_samples,
        "brokers": [
            {
                "label": name(b.organisation),
                "sector": b.sector,
                "sector_label": layout.sector_label(b.sector),
                "betweenness": b.betweenness,
            }
            for b in metrics.brokers
        ],
        "largest_share": None
        if metrics.largest_share is None
        else {
            "label": name(metrics.largest_share.organisation),
            "share": metrics.largest_share.share_of_strength,
        },
        "flows": [
            {
                "from": name(f.from_organisation),
                "to": name(f.to_organisation),
                "referrals": f.referrals,
                "returned": f.returned,
            }
            for f in net.referral_flows(network)[:FLOWS_LISTED]
        ],
    }
    result = {
        "period_days": days,
        "period_start": network.period.start,
        "period_end": network.period.end,
        "nodes_are": kind,
        "locality": locality,
        "summary": summary,
        "map": layout.network_map(network, metrics, labels),
        "ties": ties,
        "ties_total": total,
    }
    return result, node_rows


def _ties(
    network: net.EcosystemNetwork, name: Callable[[Hashable], str], cap: int
) -> tuple[list[dict[str, Any]], int]:
    """Every pair with any joint work, strongest (families, then meetings) first, up to `cap`."""
    families = sparse.csr_matrix(network.families)
    shared = sparse.csr_matrix(network.shared_families)
    meetings = sparse.csr_matrix(network.meetings)
    referrals = sparse.csr_matrix(network.referrals)
    any_tie = sparse.triu(families + meetings + referrals + referrals.T, k=1).tocoo()
    if any_tie.nnz == 0:
        return [], 0
    rows, cols = any_tie.row, any_tie.col

    def at(matrix: sparse.csr_matrix, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        return np.asarray(matrix[r, c]).ravel()

    fam, meet = at(families, rows, cols), at(meetings, rows, cols)
    keep = np.lexsort((-meet, -fam))[:cap]
    rows, cols, fam, meet = rows[keep], cols[keep], fam[keep], meet[keep]
    out = [
        {
            "a": name(network.nodes[a]),
            "b": name(network.nodes[b]),
            "a_sector": network.sectors[a],
            "b_sector": network.sectors[b],
            "families": round(float(f), 4),
            "shared_families": int(s),
            "meetings": round(float(m), 4),
            "referrals_a_to_b": int(ab),
            "referrals_b_to_a": int(ba),
        }
        for a, b, f, m, s, ab, ba in zip(
            rows.tolist(),
            cols.tolist(),
            fam.tolist(),
            meet.tolist(),
            at(shared, rows, cols).tolist(),
            at(referrals, rows, cols).tolist(),
            at(referrals, cols, rows).tolist(),
            strict=True,
        )
    ]
    return out, int(any_tie.nnz)
