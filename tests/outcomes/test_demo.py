"""The demo's outcomes tell a story: housing improves least, one family's view diverges from the
team's, some families meet the successful-outcome rule and some are close."""

from __future__ import annotations

from collections import defaultdict

import pytest

from joinedup.audit import services as audit
from joinedup.demo import loader
from joinedup.outcomes import distance as d
from joinedup.outcomes import selectors
from joinedup.outcomes.models import DashboardBuild, IdentifiedNeed, Measurement, Voice
from joinedup.partnership.models import Practitioner

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    loader.load(families=25, seed=2026)


def test_the_demo_tells_the_outcomes_story(demo):
    assert Measurement.objects.filter(voice=Voice.FAMILY).exists()
    # Families with a housing need travel least, in the team's view.
    changes: dict[bool, list[float]] = defaultdict(list)
    for episode_id in IdentifiedNeed.objects.values_list("episode_id", flat=True).distinct():
        codes = set(
            IdentifiedNeed.objects.filter(episode_id=episode_id).values_list(
                "headline__code", flat=True
            )
        )
        scores = defaultdict(list)
        for oid, on, s in Measurement.objects.filter(
            episode_id=episode_id, voice=Voice.PRACTITIONER
        ).values_list("outcome_id", "measured_on", "score"):
            scores[oid].append((on, s))
        change = d.mean_change([d.distance(v) for v in scores.values() if len(v) > 1])
        if change is not None:
            changes["housing" in codes].append(change)
    housing = sum(changes[True]) / len(changes[True])
    others = sum(changes[False]) / len(changes[False])
    assert housing < others
    # On one outcome the family's view falls while the team's rises.
    diverging = Measurement.objects.filter(note="Nobody rings back", voice=Voice.FAMILY).get()
    team = d.distance(
        list(
            Measurement.objects.filter(
                outcome=diverging.outcome, voice=Voice.PRACTITIONER
            ).values_list("measured_on", "score")
        )
    )
    family = d.distance(
        list(
            Measurement.objects.filter(outcome=diverging.outcome, voice=Voice.FAMILY).values_list(
                "measured_on", "score"
            )
        )
    )
    assert team.change > 0 > family.change
    # Some families meet the rule and some are close.
    manager = Practitioner.objects.get(email="ravi.patel@earlyhelp.example")
    lists = selectors.rule_lists(user=manager)
    assert len(lists.met) == 2 and len(lists.close) >= 3
    missing = {p.code for c in lists.close for p in c.missing}
    assert {"needs", "need:housing"} <= missing
    assert DashboardBuild.objects.exists()
    assert audit.verify().ok
    # Loading again adds nothing.
    count = Measurement.objects.count()
    loader.load(families=25, seed=2026)
    assert Measurement.objects.count() == count
