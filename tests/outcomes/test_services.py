"""Measurements in two voices: validated, audited, refused to strangers, nothing partly written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError, NotFound
from joinedup.outcomes import selectors, services
from joinedup.outcomes.models import IdentifiedNeed, Measurement, OutcomeCategory
from joinedup.outcomes.services import Score
from tests.family.conftest import make_family
from tests.outcomes.conftest import opened_days_ago, second_outcome

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def outcome_of(fam):
    return fam.episode.outcomes.get()


def test_the_team_records_scores_for_several_outcomes_at_once_audited(family):
    opened_days_ago(family.episode, 60)
    first, second = outcome_of(family), second_outcome(family)
    made = services.measurements_record(
        actor=family.lead,
        episode_id=family.episode.pk,
        scores=[Score(first.pk, 3, "Still frightened at night"), Score(second.pk, "4")],
        measured_on=TODAY() - timedelta(days=30),
    )
    assert [(m.outcome_id, m.score, m.voice) for m in made] == [
        (first.pk, 3, "practitioner"),
        (second.pk, 4, "practitioner"),
    ]
    events = AccessEvent.objects.filter(object_type="outcomes.measurement", action="create")
    assert events.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"score": 11}, "score"),
        ({"score": -1}, "score"),
        ({"score": "lots"}, "score"),
        ({"measured_on": "future"}, "measured_on"),
        ({"measured_on": "before"}, "measured_on"),
        ({"note": "x" * 501}, "note"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(family, change, field):
    opened_days_ago(family.episode, 10)
    outcome = outcome_of(family)
    on = {
        "future": TODAY() + timedelta(days=1),
        "before": TODAY() - timedelta(days=11),
    }.get(change.get("measured_on", ""), TODAY())
    good_one = Score(outcome.pk, 5)
    bad_one = Score(outcome.pk, change.get("score", 5), change.get("note", ""))
    with pytest.raises(ApplicationError) as error:
        services.measurements_record(
            actor=family.lead,
            episode_id=family.episode.pk,
            scores=[good_one, bad_one],
            measured_on=on,
        )
    assert error.value.field == field
    assert not Measurement.objects.exists()  # the good score was not kept either


def test_an_outcome_of_another_episode_is_refused(family):
    other = make_family(surname="Moss")
    with pytest.raises(ApplicationError) as error:
        services.measurements_record(
            actor=family.lead,
            episode_id=family.episode.pk,
            scores=[Score(outcome_of(other).pk, 5)],
            measured_on=TODAY(),
        )
    assert error.value.field == "outcome"


def test_a_stranger_is_refused_as_if_the_episode_were_missing(family, outsider_user):
    with pytest.raises(NotFound):
        services.measurements_record(
            actor=outsider_user,
            episode_id=family.episode.pk,
            scores=[Score(outcome_of(family).pk, 5)],
            measured_on=TODAY(),
        )
    assert not Measurement.objects.exists()


def test_a_family_members_view_given_at_a_meeting_names_a_family_member(family):
    outcome = outcome_of(family)
    with pytest.raises(ApplicationError) as error:
        services.measurements_record(
            actor=family.lead,
            episode_id=family.episode.pk,
            scores=[Score(outcome.pk, 6)],
            measured_on=TODAY(),
            voice="family",
            person_id=family.lead.pk + 10_000,
        )
    assert error.value.field == "person"
    made = services.measurements_record(
        actor=family.lead,
        episode_id=family.episode.pk,
        scores=[Score(outcome.pk, 6)],
        measured_on=TODAY(),
        voice="family",
        person_id=family.mother.pk,
    )
    assert made[0].person_id == family.mother.pk and made[0].voice == "family"


def test_the_family_records_only_their_own_view(family, mother_user):
    made = services.family_measurement_record(
        actor=mother_user,
        episode_id=family.episode.pk,
        score=Score(outcome_of(family).pk, 2, "Not safe yet"),
        picture_scale=True,
    )
    assert made.voice == "family" and made.person_id == family.mother.pk
    assert made.measured_on == TODAY() and made.picture_scale
    with pytest.raises(NotFound):  # a practitioner cannot use the family's way in
        services.family_measurement_record(
            actor=family.lead, episode_id=family.episode.pk, score=Score(outcome_of(family).pk, 5)
        )


def test_two_voices_are_kept_apart_and_never_averaged(family, mother_user):
    opened_days_ago(family.episode, 100)
    outcome = outcome_of(family)
    for days, score in ((90, 2), (30, 6)):
        services.measurements_record(
            actor=family.lead,
            episode_id=family.episode.pk,
            scores=[Score(outcome.pk, score)],
            measured_on=TODAY() - timedelta(days=days),
        )
    services.family_measurement_record(
        actor=mother_user, episode_id=family.episode.pk, score=Score(outcome.pk, 3)
    )
    view = selectors.episode_outcomes(user=family.lead, episode_id=family.episode.pk)
    row = view.rows[0]
    assert (row.team.first, row.team.latest, row.team.change) == (2, 6, 4)
    mother = selectors.display_name(family.mother)
    assert (row.family[mother].first, row.family[mother].change) == (3, 0)
    assert view.team_change == 4.0 and view.family_change == {mother: None}  # one score only


def test_a_need_maps_to_a_headline_outcome_once(family):
    housing = OutcomeCategory.objects.get(framework__code="supporting-families", code="housing")
    need = services.need_record(
        actor=family.lead,
        episode_id=family.episode.pk,
        headline_id=housing.pk,
        outcome_ids=[outcome_of(family).pk],
        identified_on=TODAY(),
    )
    assert list(need.outcomes.all()) == [outcome_of(family)]
    with pytest.raises(ApplicationError) as error:
        services.need_record(
            actor=family.lead,
            episode_id=family.episode.pk,
            headline_id=housing.pk,
            outcome_ids=[],
            identified_on=TODAY(),
        )
    assert error.value.field == "headline"
    every_child = OutcomeCategory.objects.get(code="stay-safe")
    with pytest.raises(ApplicationError) as error:
        services.need_record(
            actor=family.lead,
            episode_id=family.episode.pk,
            headline_id=every_child.pk,
            outcome_ids=[],
            identified_on=TODAY(),
        )
    assert error.value.field == "headline"
    assert IdentifiedNeed.objects.count() == 1


def test_the_frameworks_have_editable_descriptors():
    headlines = list(selectors.headline_outcomes())
    assert len(headlines) == 10 and all(h.descriptor for h in headlines)
    assert selectors.default_categories().count() == 5
