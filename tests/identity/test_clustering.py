"""From scored pairs to persons, without a database: anchors, decisions, thresholds."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from joinedup.identity.clustering import ANCHOR, RECORD, Edge, Node, cluster, node_id


def rec(pk: int) -> int:
    return node_id(RECORD, pk)


def anchor(pk: int) -> int:
    return node_id(ANCHOR, pk)


def person_node(pk: int) -> Node:
    return Node(anchor(pk), pk, fixed=True)


def test_records_join_the_person_whose_details_they_match_and_the_rest_wait_or_are_new():
    nodes = [person_node(7), Node(rec(1), None), Node(rec(2), None), Node(rec(3), None)]
    edges = [Edge(anchor(7), rec(1), 0.99), Edge(rec(1), rec(2), 0.7), Edge(rec(2), rec(3), 0.2)]
    outcome = cluster(nodes, edges, automatic=0.9)
    assert outcome.person_of[rec(1)] == 7
    assert outcome.person_of[rec(2)] is None  # waits for review
    assert outcome.candidates == {(rec(2), 7): edges[1]}
    assert outcome.person_of[rec(3)] == -1 and outcome.new_persons == {-1: [rec(3)]}


def test_two_persons_are_never_merged_but_proposed():
    nodes = [person_node(1), person_node(2), Node(rec(5), None)]
    edges = [Edge(anchor(1), rec(5), 0.99), Edge(anchor(2), rec(5), 0.98)]
    outcome = cluster(nodes, edges, automatic=0.9)
    assert outcome.person_of[rec(5)] == 1 and outcome.person_of[anchor(2)] == 2
    assert list(outcome.duplicates) == [(2, 1)]


def test_decisions_hold_against_strong_evidence():
    nodes = [
        person_node(1),
        person_node(2),
        Node(rec(5), 2, fixed=True),  # confirmed as person 2 by a reviewer
        Node(rec(6), None, rejected=frozenset({1})),  # "not person 1", said a reviewer
    ]
    edges = [Edge(anchor(1), rec(5), 0.999), Edge(anchor(1), rec(6), 0.999)]
    outcome = cluster(nodes, edges, automatic=0.9)
    assert outcome.person_of[rec(5)] == 2
    assert outcome.person_of[rec(6)] == -1 and not outcome.candidates


def test_a_cluster_without_details_keeps_the_person_most_of_its_records_belong_to():
    nodes = [person_node(1), person_node(2)] + [
        Node(rec(pk), person) for pk, person in [(5, 2), (6, 2), (7, 1)]
    ]
    edges = [Edge(rec(5), rec(6), 0.95), Edge(rec(6), rec(7), 0.95)]
    assert {cluster(nodes, edges, automatic=0.9).person_of[rec(n)] for n in (5, 6, 7)} == {2}


def test_the_guard_keeps_twins_apart():
    nodes = [person_node(1), Node(rec(5), None)]
    held = Edge(anchor(1), rec(5), 0.999, held=True)
    outcome = cluster(nodes, [held], automatic=0.9)
    assert outcome.person_of[rec(5)] is None and outcome.candidates == {(rec(5), 1): held}


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_the_outcome_does_not_depend_on_the_order_pairs_arrive_in(seed):
    rng = random.Random(seed)
    nodes = [person_node(p) for p in range(1, 4)] + [
        Node(rec(pk), rng.choice([None, None, 1, 2]), rejected=frozenset(rng.sample([1, 2, 3], 1)))
        for pk in range(10, 20)
    ]
    ids = [n.id for n in nodes]
    edges = []
    for _ in range(25):
        a, b = sorted(rng.sample(ids, 2))
        edges.append(Edge(a, b, round(rng.random(), 2), held=rng.random() < 0.1))
    first = cluster(nodes, edges, automatic=0.8)
    shuffled = edges[:]
    rng.shuffle(shuffled)
    again = cluster(list(reversed(nodes)), shuffled, automatic=0.8)
    assert again.person_of == first.person_of and again.candidates == first.candidates
    # Anchors always keep their own person.
    assert all(first.person_of[anchor(p)] == p for p in range(1, 4))


def test_two_nhs_numbers_never_meet_in_one_person_unless_confirmed():
    a, b = "9434765919", "4010232137"
    nodes = [
        Node(anchor(1), 1, fixed=True, nhs_number=a),
        Node(rec(1), None, nhs_number=b),  # scores high, but holds another number
        Node(rec(2), None),  # no number: free to join
        Node(rec(3), 1, fixed=True, nhs_number=b),  # confirmed by a reviewer: kept
    ]
    edges = [Edge(anchor(1), rec(1), 0.99), Edge(rec(1), rec(2), 0.97)]
    outcome = cluster(nodes, edges, automatic=0.9)
    assert outcome.person_of[rec(1)] != 1 and outcome.person_of[rec(2)] != 1
    assert outcome.person_of[rec(3)] == 1
    assert outcome.refusals[anchor(1), rec(1)] == "two different NHS numbers"
    chained = cluster(
        [Node(rec(1), None, upn="A1"), Node(rec(2), None), Node(rec(3), None, upn="B2")],
        [Edge(rec(1), rec(2), 0.99), Edge(rec(2), rec(3), 0.95)],
        automatic=0.9,
    )
    assert chained.person_of[rec(1)] == chained.person_of[rec(2)] != chained.person_of[rec(3)]
    assert chained.refusals[rec(2), rec(3)] == "two different unique pupil numbers"
