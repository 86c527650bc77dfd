"""The ecosystem network: who works with whom, built from shared casework.

Pure computation, no database. The Django layer passes plain rows (involvements, referrals,
meeting attendance) and a node → sector map; nodes are usually organisations, but team or
profession ids work the same way, because nothing here depends on what a node is.

Weights are aggregated with numpy and scipy sparse matrices rather than Python loops over pairs,
so a partnership of 10,000 organisations and a million family memberships rebuilds in seconds.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import igraph
import networkx as nx
import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from joinedup.errors import ApplicationError

Node = Hashable
TieKind = Literal["families", "meetings", "referrals", "all"]

# Above this many organisations with ties, betweenness is estimated from a fixed-seed sample of
# source organisations (Brandes' algorithm from k sources), because the exact figure grows with
# nodes × ties and would not fit in the rebuild budget.
EXACT_BETWEENNESS_UP_TO = 2_000
BETWEENNESS_SAMPLES = 500
BETWEENNESS_SEED = 20_260_301
STANDARD_PERIODS_DAYS = (90, 365)
UNKNOWN_SECTOR = "unknown"


@dataclass(frozen=True)
class Period:
    """Inclusive dates; refused when it ends before it starts."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ApplicationError(
                f"The period ends ({self.end:%-d %B %Y}) before it starts "
                f"({self.start:%-d %B %Y}).",
                field="end",
            )

    @classmethod
    def ending(cls, end: date, days: int) -> Period:
        """The `days` days up to and including `end` (90 and 365 are the standard views)."""
        if days < 1:
            raise ApplicationError("A period must be at least one day long.", field="days")
        return cls(start=end - timedelta(days=days - 1), end=end)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, start: date, end: date | None) -> bool:
        return start <= self.end and (end is None or end >= self.start)


@dataclass(frozen=True, slots=True)
class Involvement:
    """One organisation's work with one family, from `start` to `end` (None: still open)."""

    family: Hashable
    organisation: Node
    start: date
    end: date | None = None


@dataclass(frozen=True, slots=True)
class Referral:
    from_organisation: Node
    to_organisation: Node
    sent_on: date


@dataclass(frozen=True, slots=True)
class MeetingAttendance:
    meeting: Hashable
    organisations: frozenset[Node]
    held_on: date


@dataclass(frozen=True)
class EcosystemNetwork:
    """Tie matrices over `nodes` (index i ↔ nodes[i]) for one period.

    `families` and `meetings` are symmetric: each family (meeting) adds 1/(k−1) between each pair
    of its k organisations, so an organisation's strength from one family is at most 1 however
    many others are involved. `shared_families` counts families per pair without normalising.
    `referrals` is directed: [i, j] counts referrals from nodes[i] to nodes[j].
    """

    period: Period
    nodes: tuple[Node, ...]
    sectors: tuple[str, ...]
    families: sparse.csr_matrix
    shared_families: sparse.csr_matrix
    meetings: sparse.csr_matrix
    referrals: sparse.csr_matrix
    caseload: np.ndarray  # families each node works with in the period
    shared_caseload: np.ndarray  # ... of which at least one other node also works with
    index: dict[Node, int] = field(repr=False)

    def ties(self, kind: TieKind = "families") -> sparse.csr_matrix:
        """Symmetric weight matrix for one kind of tie; "all" adds them (a referral adds 1)."""
        referrals = (self.referrals + self.referrals.T).tocsr()
        chosen = {
            "families": self.families,
            "meetings": self.meetings,
            "referrals": referrals,
            "all": self.families + self.meetings + referrals,
        }[kind]
        return sparse.csr_matrix(chosen)

    def graph(self, kind: TieKind = "families") -> nx.Graph:
        """A networkx graph of one kind of tie, every node present, with `weight` on edges."""
        return _graph_from(self, self.ties(kind))

    def referral_graph(self) -> nx.DiGraph:
        coo = self.referrals.tocoo()
        graph = nx.DiGraph()
        graph.add_nodes_from(self.nodes)
        graph.add_weighted_edges_from(
            (self.nodes[i], self.nodes[j], int(w))
            for i, j, w in zip(coo.row, coo.col, coo.data, strict=True)
        )
        return graph


def build_network(
    *,
    period: Period,
    sectors: Mapping[Any, str],
    involvements: Iterable[Involvement] | InvolvementColumns = (),
    referrals: Iterable[Referral] = (),
    meetings: Iterable[MeetingAttendance] = (),
) -> EcosystemNetwork:
    """Build the tie matrices for `period`. Every node in `sectors` is present, tied or not."""
    index: dict[Node, int] = {node: i for i, node in enumerate(sectors)}
    fam_groups, fam_nodes = _involvement_columns(involvements, period, index)
    meet_groups, meet_nodes = _meeting_columns(meetings, period, index)
    ref_from, ref_to = _referral_columns(referrals, period, index)
    n = len(index)
    families, shared, caseload, shared_caseload = _co_membership(fam_groups, fam_nodes, n)
    meeting_ties, _, _, _ = _co_membership(meet_groups, meet_nodes, n)
    referral_matrix = sparse.coo_matrix(
        (np.ones(len(ref_from)), (ref_from, ref_to)), shape=(n, n)
    ).tocsr()
    nodes = tuple(index)
    return EcosystemNetwork(
        period=period,
        nodes=nodes,
        sectors=tuple(sectors.get(node, UNKNOWN_SECTOR) for node in nodes),
        families=families,
        shared_families=shared,
        meetings=meeting_ties,
        referrals=referral_matrix,
        caseload=caseload,
        shared_caseload=shared_caseload,
        index=index,
    )


def _node_id(index: dict[Node, int], node: Node) -> int:
    # Organisations missing from the sector map still count; they show as "unknown" sector.
    return index.setdefault(node, len(index))


@dataclass(frozen=True)
class InvolvementColumns:
    """Involvement rows as numpy columns, built once and filtered by period without a Python
    loop: a rebuild builds a network for every period and kind from the same million rows."""

    families: np.ndarray  # a code per row; equal codes, the same family
    organisations: tuple[Node, ...]  # each organisation once
    organisation: np.ndarray  # per row, a position in `organisations`
    start: np.ndarray  # day numbers (date.toordinal)
    end: np.ndarray  # day numbers; still open: date.max

    @classmethod
    def of(cls, rows: Iterable[Involvement]) -> InvolvementColumns:
        families: dict[Hashable, int] = {}
        organisations: dict[Node, int] = {}
        family_col: list[int] = []
        organisation_col: list[int] = []
        start_col: list[int] = []
        end_col: list[int] = []
        still_open = date.max.toordinal()
        for row in rows:
            family_col.append(families.setdefault(row.family, len(families)))
            organisation_col.append(organisations.setdefault(row.organisation, len(organisations)))
            start_col.append(row.start.toordinal())
            end_col.append(still_open if row.end is None else row.end.toordinal())
        return cls(
            families=np.asarray(family_col, dtype=np.int64),
            organisations=tuple(organisations),
            organisation=np.asarray(organisation_col, dtype=np.int64),
            start=np.asarray(start_col, dtype=np.int64),
            end=np.asarray(end_col, dtype=np.int64),
        )


def _involvement_columns(
    rows: Iterable[Involvement] | InvolvementColumns, period: Period, index: dict[Node, int]
) -> tuple[np.ndarray, np.ndarray]:
    table = rows if isinstance(rows, InvolvementColumns) else InvolvementColumns.of(rows)
    during = (table.start <= period.end.toordinal()) & (table.end >= period.start.toordinal())
    organisation = table.organisation[during]
    # Each organisation's node, asked in the order the rows first name it (a node missing from
    # the sector map is added to the index as it is met, as for the other kinds of row).
    present, first = np.unique(organisation, return_index=True)
    node_of = np.zeros(len(table.organisations), dtype=np.int64)
    for code in present[np.argsort(first)].tolist():
        node_of[code] = _node_id(index, table.organisations[code])
    return table.families[during], node_of[organisation]


def _meeting_columns(
    rows: Iterable[MeetingAttendance], period: Period, index: dict[Node, int]
) -> tuple[np.ndarray, np.ndarray]:
    group_col: list[int] = []
    node_col: list[int] = []
    groups: dict[Hashable, int] = {}
    for row in rows:
        if not period.contains(row.held_on):
            continue
        group = groups.setdefault(row.meeting, len(groups))
        for organisation in row.organisations:
            group_col.append(group)
            node_col.append(_node_id(index, organisation))
    return np.asarray(group_col, dtype=np.int64), np.asarray(node_col, dtype=np.int64)


def _referral_columns(
    rows: Iterable[Referral], period: Period, index: dict[Node, int]
) -> tuple[np.ndarray, np.ndarray]:
    from_col: list[int] = []
    to_col: list[int] = []
    for row in rows:
        if period.contains(row.sent_on) and row.from_organisation != row.to_organisation:
            from_col.append(_node_id(index, row.from_organisation))
            to_col.append(_node_id(index, row.to_organisation))
    return np.asarray(from_col, dtype=np.int64), np.asarray(to_col, dtype=np.int64)


def _co_membership(
    groups: np.ndarray, nodes: np.ndarray, n: int
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray, np.ndarray]:
    """Co-membership of groups (families or meetings): normalised and raw pair matrices, and
    each node's count of groups and of groups shared with another node.

    A group of k distinct members adds 1/(k−1) to each of its k(k−1)/2 pairs (normalised) and 1
    (raw). Pairs are generated per group size with numpy, never one Python loop per pair.
    """
    empty = sparse.csr_matrix((n, n))
    if len(groups) == 0:
        zeros = np.zeros(n, dtype=np.int64)
        return empty, empty.copy(), zeros, zeros.copy()
    # One row per distinct (group, member), sorted by group then member.
    keys = np.unique(groups * n + nodes)
    g_sorted, m_sorted = keys // n, keys % n
    _, starts, sizes = np.unique(g_sorted, return_index=True, return_counts=True)
    in_shared = np.repeat(sizes >= 2, sizes)
    caseload = np.bincount(m_sorted, minlength=n)
    shared_caseload = np.bincount(m_sorted[in_shared], minlength=n)
    rows, cols, weights = [], [], []
    for k in np.unique(sizes[sizes >= 2]):
        members = m_sorted[starts[sizes == k][:, None] + np.arange(k)]
        upper_i, upper_j = np.triu_indices(int(k), 1)
        rows.append(members[:, upper_i].ravel())
        cols.append(members[:, upper_j].ravel())
        weights.append(np.full(rows[-1].shape, 1.0 / (k - 1)))
    if not rows:
        return empty, empty.copy(), caseload, shared_caseload
    r, c, w = np.concatenate(rows), np.concatenate(cols), np.concatenate(weights)
    both_r, both_c = np.concatenate([r, c]), np.concatenate([c, r])
    normalised = sparse.coo_matrix((np.concatenate([w, w]), (both_r, both_c)), shape=(n, n))
    raw = sparse.coo_matrix((np.ones(len(both_r)), (both_r, both_c)), shape=(n, n))
    return normalised.tocsr(), raw.tocsr(), caseload, shared_caseload


# ----------------------------------------------------------------------------- metrics


@dataclass(frozen=True)
class EIIndex:
    """Krackhardt and Stern's E-I index: (external − internal) / (external + internal).

    −1: every tie within a sector; +1: every tie across sectors. None when there are no ties.
    """

    value: float | None
    external: float
    internal: float


@dataclass(frozen=True)
class OrganisationTies:
    organisation: Node
    sector: str
    ties: int
    strength: float
    share_of_strength: float
    caseload: int
    shared_caseload: int
    betweenness: float
    community: int | None
    referrals_sent: int
    referrals_received: int


@dataclass(frozen=True)
class NetworkMetrics:
    period: Period
    tie_kind: TieKind
    organisations: int
    ties: int
    density: float
    components: int
    largest_component: int
    isolated: int
    centralisation: float | None
    ei_index: EIIndex
    ei_index_weighted: EIIndex
    ei_by_sector: dict[str, EIIndex]
    communities: tuple[frozenset[Node], ...]
    modularity: float | None
    betweenness_approximate: bool
    betweenness_samples: int
    by_organisation: tuple[OrganisationTies, ...]
    brokers: tuple[OrganisationTies, ...]
    largest_share: OrganisationTies | None


def binary(matrix: sparse.csr_matrix, min_strength: float = 0.0) -> sparse.csr_matrix:
    """Adjacency (0/1) of ties stronger than `min_strength`, without self-ties."""
    kept = matrix.multiply(matrix > min_strength).tocsr()
    kept.setdiag(0)
    kept.eliminate_zeros()
    adjacency = (kept > 0).astype(np.float64)
    return sparse.csr_matrix(adjacency)


def density(adjacency: sparse.csr_matrix) -> float:
    """Ties present / ties possible, n(n−1)/2 for n organisations."""
    n = adjacency.shape[0]
    if n < 2:
        return 0.0
    return float(adjacency.nnz / 2 / (n * (n - 1) / 2))


def degree_centralisation(degrees: np.ndarray) -> float | None:
    """Freeman: Σ(max degree − degree) / ((n−1)(n−2)). Star = 1, complete or empty = 0."""
    n = len(degrees)
    if n < 3:
        return None
    return float(np.sum(degrees.max() - degrees)) / ((n - 1) * (n - 2))


def ei_index(matrix: sparse.spmatrix, sectors: Sequence[str], *, weighted: bool = False) -> EIIndex:
    """E-I index over a symmetric tie matrix; each tie counted once (binary unless weighted)."""
    upper = sparse.triu(matrix, k=1).tocoo()
    values = upper.data if weighted else np.ones(len(upper.data))
    labels = np.asarray(sectors, dtype=object)
    across = labels[upper.row] != labels[upper.col]
    return _ei(float(values[across].sum()), float(values[~across].sum()))


def ei_by_sector(matrix: sparse.spmatrix, sectors: Sequence[str]) -> dict[str, EIIndex]:
    """Each sector's E-I over the ties its organisations hold (binary)."""
    coo = sparse.coo_matrix(matrix)
    keep = coo.row != coo.col
    labels = np.asarray(sectors, dtype=object)
    own, other = labels[coo.row[keep]], labels[coo.col[keep]]
    result = {}
    for sector in sorted(set(sectors)):
        mine = own == sector
        internal = float(np.sum(other[mine] == sector))
        result[sector] = _ei(float(mine.sum()) - internal, internal)
    return result


def _ei(external: float, internal: float) -> EIIndex:
    total = external + internal
    value = (external - internal) / total if total else None
    return EIIndex(value=value, external=external, internal=internal)


def components(adjacency: sparse.csr_matrix) -> np.ndarray:
    """Component label of each node (scipy: linear time, no Python loop)."""
    _, labels = csgraph.connected_components(adjacency, directed=False)
    return np.asarray(labels)


def betweenness(
    adjacency: sparse.csr_matrix,
    *,
    exact_up_to: int = EXACT_BETWEENNESS_UP_TO,
    samples: int = BETWEENNESS_SAMPLES,
    seed: int = BETWEENNESS_SEED,
) -> tuple[np.ndarray, int]:
    """Normalised betweenness of each node on binary ties, and the sources used (0 = exact).

    Exact (Brandes from every organisation with ties) up to `exact_up_to` such organisations;
    above that, Brandes from `samples` sources drawn with a fixed seed, scaled by m/k — the
    estimator networkx uses for `k`, run on scipy sparse matrices so it fits the rebuild budget.
    Normalised by (n−1)(n−2), as networkx does, with n counting every organisation.
    """
    n = adjacency.shape[0]
    tied = np.flatnonzero(np.diff(adjacency.indptr) > 0)
    if n < 3 or len(tied) < 3:
        return np.zeros(n), 0
    used = 0
    sources = tied
    dtype: type[np.floating[Any]] = np.float64
    if len(tied) > exact_up_to:
        used = min(samples, len(tied))
        sources = np.random.default_rng(seed).choice(tied, size=used, replace=False)
        # An estimate already: single precision halves the time of the sparse products (path
        # counts stay exact up to 16 million, then within a ten-millionth).
        dtype = np.float32
    scale = (len(tied) / len(sources)) / ((n - 1) * (n - 2))
    return _brandes_dependencies(adjacency, sources, dtype=dtype) * scale, used


def _brandes_dependencies(
    adjacency: sparse.csr_matrix,
    sources: np.ndarray,
    batch: int = 64,
    dtype: type[np.floating[Any]] = np.float64,
) -> np.ndarray:
    """Σ over sources s of Brandes' dependency δ_s(v), for a batch of sources at a time.

    Breadth-first levels and shortest-path counts come from sparse × dense products, one
    column per source, so there is no Python loop over nodes or ties.
    """
    n = adjacency.shape[0]
    adj = sparse.csr_matrix(adjacency, dtype=dtype)
    total = np.zeros(n)
    for lo in range(0, len(sources), batch):
        src = np.asarray(sources[lo : lo + batch])
        columns = np.arange(len(src))
        dist = np.full((n, len(src)), -1, dtype=np.int32)
        sigma = np.zeros((n, len(src)), dtype=dtype)
        dist[src, columns], sigma[src, columns] = 0, 1.0
        depth = _count_shortest_paths(adj, dist, sigma)
        delta = np.zeros_like(sigma)
        for level in range(depth, 0, -1):
            at = dist == level
            pull = adj @ np.where(at, (1.0 + delta) / np.where(at, sigma, 1.0), 0.0)
            before = dist == level - 1
            delta[before] += (sigma * pull)[before]
        delta[dist == 0] = 0.0  # a source is not between itself and anyone
        total += delta.sum(axis=1)
    return total


def _count_shortest_paths(adj: sparse.csr_matrix, dist: np.ndarray, sigma: np.ndarray) -> int:
    """Fill `dist` (levels) and `sigma` (shortest-path counts) in place; return the depth."""
    frontier, depth = sigma.copy(), 0
    while True:
        reach = adj @ frontier
        new = (dist < 0) & (reach > 0)
        if not new.any():
            return depth
        depth += 1
        dist[new], sigma[new] = depth, reach[new]
        frontier = np.where(new, sigma, 0.0)


def communities(
    nodes: Sequence[Node], weights: sparse.csr_matrix, *, seed: int = BETWEENNESS_SEED
) -> tuple[tuple[frozenset[Node], ...], float | None]:
    """Louvain communities (weighted, fixed seed) of tied organisations, largest first.

    igraph's multilevel method (Blondel et al.'s Louvain, in C) on the upper triangle of the
    symmetric tie weights: organisations with no ties are left out. networkx's pure-Python
    Louvain took most of a rebuild's time at a million people.
    """
    upper = sparse.triu(weights, k=1).tocoo()
    if upper.nnz == 0:
        return (), None
    tied = np.unique(np.concatenate([upper.row, upper.col]))
    position = np.full(len(nodes), -1, dtype=np.int64)
    position[tied] = np.arange(len(tied))
    graph = igraph.Graph(
        n=len(tied), edges=np.column_stack([position[upper.row], position[upper.col]]).tolist()
    )
    weight = upper.data.astype(float).tolist()
    igraph.set_random_number_generator(random.Random(seed))  # the same answer every rebuild
    try:
        membership = graph.community_multilevel(weights=weight).membership
    finally:
        igraph.set_random_number_generator(random)  # igraph's default
    modularity = graph.modularity(membership, weights=weight)
    groups: dict[int, set[Node]] = {}
    for i, community in zip(tied.tolist(), membership, strict=True):
        groups.setdefault(community, set()).add(nodes[i])
    ordered = sorted((frozenset(c) for c in groups.values()), key=len, reverse=True)
    return tuple(ordered), float(modularity)


def network_metrics(
    network: EcosystemNetwork,
    *,
    tie_kind: TieKind = "families",
    min_strength: float = 0.0,
    brokers: int = 10,
    exact_betweenness_up_to: int = EXACT_BETWEENNESS_UP_TO,
    betweenness_samples: int = BETWEENNESS_SAMPLES,
    seed: int = BETWEENNESS_SEED,
) -> NetworkMetrics:
    """Every network figure for one period and one kind of tie."""
    weights = network.ties(tie_kind)
    adjacency = binary(weights, min_strength)
    weights = weights.multiply(adjacency).tocsr()
    degrees = np.asarray(adjacency.sum(axis=1)).ravel()
    labels = components(adjacency)
    sizes = np.bincount(labels) if len(labels) else np.zeros(0, dtype=np.int64)
    between, samples_used = betweenness(
        adjacency, exact_up_to=exact_betweenness_up_to, samples=betweenness_samples, seed=seed
    )
    found, modularity = communities(network.nodes, weights, seed=seed)
    per_org = _per_organisation(network, weights, degrees, between, found)
    ranked = sorted(per_org, key=lambda o: o.betweenness, reverse=True)
    return NetworkMetrics(
        period=network.period,
        tie_kind=tie_kind,
        organisations=len(network.nodes),
        ties=adjacency.nnz // 2,
        density=density(adjacency),
        components=int(np.sum(sizes > 0)),
        largest_component=int(sizes.max()) if len(sizes) else 0,
        isolated=int(np.sum(degrees == 0)),
        centralisation=degree_centralisation(degrees),
        ei_index=ei_index(adjacency, network.sectors),
        ei_index_weighted=ei_index(weights, network.sectors, weighted=True),
        ei_by_sector=ei_by_sector(adjacency, network.sectors),
        communities=found,
        modularity=modularity,
        betweenness_approximate=samples_used > 0,
        betweenness_samples=samples_used,
        brokers=tuple(o for o in ranked[:brokers] if o.betweenness > 0),
        by_organisation=tuple(per_org),
        largest_share=max(per_org, key=lambda o: o.share_of_strength, default=None),
    )


def _graph_from(network: EcosystemNetwork, weights: sparse.csr_matrix) -> nx.Graph:
    upper = sparse.triu(weights, k=1).tocoo()
    nodes, sectors = network.nodes, network.sectors
    graph = nx.Graph()
    graph.add_nodes_from(
        (node, {"sector": sector}) for node, sector in zip(nodes, sectors, strict=True)
    )
    graph.add_weighted_edges_from(
        zip(
            [nodes[i] for i in upper.row.tolist()],
            [nodes[j] for j in upper.col.tolist()],
            upper.data.tolist(),
            strict=True,
        )
    )
    return graph


def _per_organisation(
    network: EcosystemNetwork,
    weights: sparse.csr_matrix,
    degrees: np.ndarray,
    between: np.ndarray,
    found: Sequence[frozenset[Node]],
) -> list[OrganisationTies]:
    strength = np.asarray(weights.sum(axis=1)).ravel()
    total = float(strength.sum())
    sent = np.asarray(network.referrals.sum(axis=1)).ravel()
    received = np.asarray(network.referrals.sum(axis=0)).ravel()
    community_of = {node: i for i, members in enumerate(found) for node in members}
    return [
        OrganisationTies(
            organisation=node,
            sector=network.sectors[i],
            ties=int(degrees[i]),
            strength=float(strength[i]),
            share_of_strength=float(strength[i] / total) if total else 0.0,
            caseload=int(network.caseload[i]),
            shared_caseload=int(network.shared_caseload[i]),
            betweenness=float(between[i]),
            community=community_of.get(node),
            referrals_sent=int(sent[i]),
            referrals_received=int(received[i]),
        )
        for i, node in enumerate(network.nodes)
    ]


@dataclass(frozen=True)
class ReferralFlow:
    from_organisation: Node
    to_organisation: Node
    referrals: int
    returned: int  # referrals the other way in the same period


def referral_flows(network: EcosystemNetwork) -> tuple[ReferralFlow, ...]:
    """Directed referral counts per pair, largest first, with the flow back the other way."""
    matrix = network.referrals
    coo = matrix.tocoo()
    if coo.nnz == 0:
        return ()  # scipy answers an empty fancy index with a sparse matrix, not an array
    back = np.asarray(matrix.T.tocsr()[coo.row, coo.col]).ravel()
    flows = [
        ReferralFlow(network.nodes[i], network.nodes[j], int(w), int(b))
        for i, j, w, b in zip(coo.row, coo.col, coo.data, back, strict=True)
    ]
    return tuple(sorted(flows, key=lambda f: f.referrals, reverse=True))


def pair_ties(network: EcosystemNetwork, a: Node, b: Node) -> dict[str, float]:
    """Every tie figure between two organisations (for a prompt's evidence, or a pair page)."""
    i, j = network.index[a], network.index[b]
    return {
        "families": float(network.families[i, j]),
        "shared_families": float(network.shared_families[i, j]),
        "meetings": float(network.meetings[i, j]),
        "referrals_a_to_b": float(network.referrals[i, j]),
        "referrals_b_to_a": float(network.referrals[j, i]),
    }
