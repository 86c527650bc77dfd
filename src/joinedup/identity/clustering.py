"""From scored pairs to persons, keeping people's decisions and the persons already known.

Pure Python, no database: `linking.py` reads the nodes and pairs and writes the outcome.

A node is an agency record or a person's own details (its "anchor"). Every person known has an
anchor, so a person is never lost or renumbered by a run: records join the person whose anchor
their cluster holds. Pairs at or above the automatic threshold join clusters (strongest first),
unless the join would

- put two different persons' anchors (or records confirmed as them) together: two persons are
  merged only by a person, through the review queue;
- put a record with a person someone decided it is not;
- put two different valid NHS numbers, or two different unique pupil numbers, in one person
  (a record a reviewer confirmed joins its person regardless: a person decided it).

A cluster without an anchor keeps the person most of its records already belong to. A cluster
with no person at all waits for review when a pair links it to a known person at or above the
review threshold, and becomes a new person otherwise.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

RECORD, ANCHOR = 0, 1


def node_id(kind: int, pk: int) -> int:
    """Records and persons share one id space: even ids are records, odd are persons."""
    return 2 * pk + kind


def node_kind(node: int) -> tuple[int, int]:
    return node % 2, node // 2


@dataclass
class Node:
    id: int
    person: int | None  # the person the record belongs to now (an anchor: its own person)
    fixed: bool = False  # an anchor, or a record a reviewer confirmed
    rejected: frozenset[int] = frozenset()  # persons a reviewer decided this record is not
    # Valid identifiers (normalised): two different ones never meet in one cluster unless a
    # person confirmed it (a confirmed record joins its person's anchor regardless).
    nhs_number: str | None = None
    upn: str | None = None


@dataclass(frozen=True)
class Edge:
    left: int
    right: int
    probability: float
    held: bool = False  # the conflicting-names guard: never linked without review


@dataclass
class Outcome:
    # The person each node belongs to after the run: a person's pk, a negative placeholder
    # for a new person (-1, -2, ... in the order they were made), or None (waiting for review).
    person_of: dict[int, int | None]
    new_persons: dict[int, list[int]]  # placeholder -> its nodes
    # (record node, person) -> the strongest pair between the record and that person's nodes
    candidates: dict[tuple[int, int], Edge]
    # (duplicate person, known person) -> the strongest pair between their nodes
    duplicates: dict[tuple[int, int], Edge]
    # node -> the strongest automatic pair inside its cluster that touches it
    strongest: dict[int, float] = field(default_factory=dict)
    # (left, right) of an automatic pair that was not linked -> the cannot-link rule that fired
    refusals: dict[tuple[int, int], str] = field(default_factory=dict)


RULE_TWO_PERSONS = "two persons already known: only a person merges them"
RULE_REJECTED = "a reviewer decided this record is not that person"
RULE_NHS = "two different NHS numbers"
RULE_UPN = "two different unique pupil numbers"


class _Cluster:
    __slots__ = ("fixed", "nhs", "nodes", "persons", "rejected", "upn")

    def __init__(self, node: Node, apart: dict[int, frozenset[int]]) -> None:
        self.nodes = [node.id]
        self.fixed = node.person if node.fixed else None
        self.persons: set[int] = {node.person} if node.person is not None else set()
        self.rejected: set[int] = set(node.rejected)
        if node.person is not None:
            self.rejected |= apart.get(node.person, frozenset())
        self.nhs: set[str] = {node.nhs_number} if node.nhs_number else set()
        self.upn: set[str] = {node.upn} if node.upn else set()

    def conflict(self, other: _Cluster) -> str | None:
        """The cannot-link rule refusing to join the two clusters, if any."""
        if self.fixed is not None and other.fixed is not None and self.fixed != other.fixed:
            return RULE_TWO_PERSONS
        if self.rejected & other.persons or other.rejected & self.persons:
            return RULE_REJECTED
        if self.nhs and other.nhs and self.nhs != other.nhs:
            return RULE_NHS
        if self.upn and other.upn and self.upn != other.upn:
            return RULE_UPN
        return None

    def absorb(self, other: _Cluster) -> None:
        self.nodes += other.nodes
        self.fixed = self.fixed if self.fixed is not None else other.fixed
        self.persons |= other.persons
        self.rejected |= other.rejected
        self.nhs |= other.nhs
        self.upn |= other.upn


class _Clusters:
    """Union-find whose roots carry each cluster's persons and refusals."""

    def __init__(self, nodes: Iterable[Node], apart: dict[int, frozenset[int]]) -> None:
        self.parent: dict[int, int] = {}
        self.data: dict[int, _Cluster] = {}
        for node in nodes:
            self.parent[node.id] = node.id
            self.data[node.id] = _Cluster(node, apart)

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def join(self, a: int, b: int, *, force: bool = False) -> str:
        """'joined', 'same' (already one cluster), or the cannot-link rule that refused it."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return "same"
        rule = None if force else self.data[ra].conflict(self.data[rb])
        if rule:
            return rule
        if len(self.data[ra].nodes) < len(self.data[rb].nodes):
            ra, rb = rb, ra
        self.data[ra].absorb(self.data.pop(rb))
        self.parent[rb] = ra
        return "joined"

    def roots(self) -> list[int]:
        return sorted(self.data, key=lambda root: min(self.data[root].nodes))


def cluster(
    nodes: list[Node],
    edges: list[Edge],
    *,
    automatic: float,
    apart: dict[int, frozenset[int]] | None = None,
) -> Outcome:
    """Decide every node's person. Deterministic: the same input gives the same outcome."""
    apart = apart or {}
    by_id = {node.id: node for node in nodes}
    clusters = _Clusters(nodes, apart)
    # A person's confirmed records are theirs by decision: one cluster with the anchor.
    for node in nodes:
        anchor = node_id(ANCHOR, node.person) if node.person is not None else None
        if node.fixed and node.id % 2 == RECORD and anchor in by_id:
            clusters.join(node.id, anchor, force=True)
    strongest: dict[int, float] = {}
    person_pairs: list[Edge] = []
    refusals: dict[tuple[int, int], str] = {}
    for edge in sorted(edges, key=_order):
        if edge.probability < automatic or edge.held:
            continue
        result = clusters.join(edge.left, edge.right)
        if result == "joined" or result == "same":
            for end in (edge.left, edge.right):
                strongest[end] = max(strongest.get(end, 0.0), edge.probability)
            continue
        refusals[edge.left, edge.right] = result
        if _two_persons(clusters, edge):
            person_pairs.append(edge)
    person_of = _assign(clusters, by_id, edges)
    outcome = Outcome(
        person_of=person_of.assigned,
        new_persons=person_of.new,
        candidates=person_of.candidates,
        duplicates={},
        strongest={n: p for n, p in strongest.items() if person_of.assigned.get(n) is not None},
        refusals=refusals,
    )
    outcome.duplicates = _duplicates(outcome, edges, person_pairs, apart)
    return outcome


def _two_persons(clusters: _Clusters, edge: Edge) -> bool:
    a, b = clusters.data[clusters.find(edge.left)], clusters.data[clusters.find(edge.right)]
    return a.fixed is not None and b.fixed is not None and a.fixed != b.fixed


@dataclass
class _Assignment:
    assigned: dict[int, int | None] = field(default_factory=dict)
    new: dict[int, list[int]] = field(default_factory=dict)
    candidates: dict[tuple[int, int], Edge] = field(default_factory=dict)


def _assign(clusters: _Clusters, by_id: dict[int, Node], edges: list[Edge]) -> _Assignment:
    out = _Assignment()
    pending: list[int] = []
    for root in clusters.roots():
        data = clusters.data[root]
        person = data.fixed if data.fixed is not None else _majority(data, by_id)
        if person is None:
            pending.append(root)
        else:
            out.assigned.update(dict.fromkeys(data.nodes, person))
    adjacent: dict[int, list[Edge]] = defaultdict(list)
    for edge in edges:
        adjacent[edge.left].append(edge)
        adjacent[edge.right].append(edge)
    for root in pending:  # in order of their first node, so the outcome is deterministic
        data = clusters.data[root]
        found = _review_pairs(data, adjacent, out.assigned)
        if found:
            out.assigned.update(dict.fromkeys(data.nodes))
            out.candidates.update(found)
        else:
            placeholder = -(len(out.new) + 1)
            out.new[placeholder] = sorted(data.nodes)
            out.assigned.update(dict.fromkeys(data.nodes, placeholder))
    return out


def _majority(data: _Cluster, by_id: dict[int, Node]) -> int | None:
    votes = Counter(
        by_id[n].person
        for n in data.nodes
        if by_id[n].person is not None and by_id[n].person not in data.rejected
    )
    if not votes:
        return None
    # Most records; on a tie, the person known longest (lowest id).
    return min(votes, key=lambda person: (-votes[person], person))


def _review_pairs(
    data: _Cluster, adjacent: dict[int, list[Edge]], assigned: dict[int, int | None]
) -> dict[tuple[int, int], Edge]:
    """Each record's strongest pair with each known person outside its cluster."""
    found: dict[tuple[int, int], Edge] = {}
    members = set(data.nodes)
    for node in data.nodes:
        for edge in adjacent.get(node, ()):
            other = edge.right if edge.left == node else edge.left
            person = assigned.get(other)
            if other in members or person is None or person in data.rejected:
                continue
            key = (node, person)
            if key not in found or _stronger(edge, found[key]):
                found[key] = edge
    return found


def _order(edge: Edge) -> tuple[float, int, int, bool]:
    """Strongest first; a total order, so the outcome never depends on the input's order."""
    return (-edge.probability, edge.left, edge.right, edge.held)


def _stronger(a: Edge, b: Edge) -> bool:
    return _order(a) < _order(b)


def _duplicates(
    outcome: Outcome,
    edges: list[Edge],
    refused: list[Edge],
    apart: dict[int, frozenset[int]],
) -> dict[tuple[int, int], Edge]:
    """Two persons who may be one: their own details match, or a record matches both."""
    records_of: Counter[int] = Counter(
        p for n, p in outcome.person_of.items() if n % 2 == RECORD and p is not None
    )
    found: dict[tuple[int, int], Edge] = {}
    both_anchors = [e for e in edges if e.left % 2 == ANCHOR and e.right % 2 == ANCHOR]
    for edge in [*both_anchors, *refused]:
        a, b = outcome.person_of.get(edge.left), outcome.person_of.get(edge.right)
        if edge.held or a is None or b is None or a == b or a < 0 or b < 0:
            continue
        if b in apart.get(a, frozenset()):
            continue
        # The one with fewer agency records (newer on a tie) is the possible duplicate.
        duplicate, known = sorted((a, b), key=lambda p: (records_of[p], -p))
        key = (duplicate, known)
        if key not in found or _stronger(edge, found[key]):
            found[key] = edge
    return found
