"""Outcome triggers for the partnership-health prompts, worked out by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.outcomes import prompts as p
from joinedup.outcomes.prompts import NeedFamily, OrganisationActions


def families(headline, orgs, changes, came_back=None):
    return [NeedFamily(headline, orgs, c, came_back) for c in changes]


def test_a_need_where_families_improve_less_with_more_organisations():
    # Housing: many organisations +0.4 on average, fewer +2.0: a gap of 1.6 points.
    data = families("Secure housing", 4, [0, 1, 0, 1, 0]) + families(
        "Secure housing", 1, [2, 2, 3, 1, 2]
    )
    # Health: the same with both groups alike: no prompt.
    data += families("Health", 4, [2, 2, 2, 2, 2]) + families("Health", 1, [2, 2, 2, 2, 2])
    found = p.improve_less_with_more_organisations(data)
    assert [x.evidence["headline"] for x in found] == ["Secure housing"]
    assert "+0.4" in found[0].text and "+2.0" in found[0].text
    assert found[0].evidence["families"] == 10


def test_too_few_families_make_no_prompt():
    data = families("Secure housing", 4, [0, 0, 0, 0]) + families("Secure housing", 1, [5] * 9)
    assert p.improve_less_with_more_organisations(data) == []


def test_a_headline_whose_families_come_back_often():
    data = families("Crime", 1, [1] * 6, came_back=True) + families("Crime", 1, [1] * 14, False)
    data += families("Health", 1, [1] * 20, came_back=False)
    data += families("Open", 1, [1] * 20, came_back=None)  # not a year since closure
    found = p.headline_re_referred_often(data)
    assert [x.evidence["headline"] for x in found] == ["Crime"]
    assert found[0].text.startswith("30% of the families")


def test_an_organisation_whose_actions_are_rarely_completed():
    figures = [
        OrganisationActions(1, "Oakfield School", 12, 4),
        OrganisationActions(2, "Health visiting", 12, 9),
        OrganisationActions(3, "Small charity", 3, 0),  # too few to say
    ]
    found = p.actions_rarely_completed(figures)
    assert [x.evidence["organisation"] for x in found] == [1]
    assert "4 (33%)" in found[0].text


@pytest.mark.django_db
def test_the_rebuild_gets_outcome_prompts_with_links_to_their_evidence(family):
    from joinedup.episodes import services as t
    from joinedup.episodes.models import Action

    for i in range(10):
        t.action_add(
            actor=family.lead,
            episode=family.episode,
            owner=family.episode.members.get(practitioner=family.lead),
            text=f"Action {i}",
            due_on=timezone.localdate() + timedelta(days=1),
        )
    Action.objects.update(due_on=timezone.localdate() - timedelta(days=1))
    found = p.outcome_prompts(timezone.localdate())
    kinds = [(prompt.kind, link) for prompt, link, _ in found]
    assert (
        "outcomes_actions_rarely_completed",
        "/outcomes/dashboard/#figure-caseload_organisation",
    ) in kinds
