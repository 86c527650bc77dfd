"""Survey rounds and anonymous responses: the services and the stored results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError, NotFound
from joinedup.insight import services
from joinedup.insight.models import (
    RoundStatus,
    SurveyAnswered,
    SurveyInstrument,
    SurveyResponse,
    SurveyResult,
)
from joinedup.partnership.models import Notification
from tests import factories
from tests.insight.conftest import all_agree, instrument, open_round

pytestmark = pytest.mark.django_db


def test_a_round_that_closes_before_it_opens_is_refused_naming_the_field(manager):
    today = timezone.localdate()
    with pytest.raises(ApplicationError) as refused:
        services.round_create(
            actor=manager,
            instrument=instrument(),
            name="Backwards",
            opens_on=today,
            closes_on=today - timedelta(days=1),
        )
    assert refused.value.field == "closes_on"
    assert "before it opens" in refused.value.message


def test_only_a_partnership_manager_sets_up_rounds(manager, partnership):
    today = timezone.localdate()
    with pytest.raises(NotFound):
        services.round_create(
            actor=partnership.teacher,
            instrument=instrument(),
            name="Sneaky",
            opens_on=today,
            closes_on=today,
        )
    assert AccessEvent.objects.filter(actor=partnership.teacher, action="refused").exists()


def test_opening_invites_every_practitioner_and_reminders_skip_those_who_answered(partnership):
    survey_round = open_round(partnership.manager)
    assert survey_round.status == RoundStatus.OPEN
    invited = Notification.objects.filter(subject__startswith="Partnership survey").count()
    assert invited == 6  # every practitioner, the manager included
    services.response_submit(
        actor=partnership.nurse, survey_round=survey_round, answers=all_agree(survey_round)
    )
    mail.outbox.clear()
    reminded = services.round_remind(actor=partnership.manager, survey_round=survey_round)
    assert reminded == 5
    assert not Notification.objects.filter(
        recipient=partnership.nurse, subject__startswith="Reminder"
    ).exists()
    survey_round.refresh_from_db()
    assert survey_round.reminders_sent == 1


def test_a_response_is_anonymous_within_its_organisation(partnership):
    survey_round = open_round(partnership.manager)
    answers = all_agree(survey_round)
    services.response_submit(actor=partnership.adviser, survey_round=survey_round, answers=answers)
    response = SurveyResponse.objects.get()
    assert response.organisation == partnership.charity and response.sector == "voluntary"
    field_names = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not field_names & {"practitioner", "respondent", "created_at", "answered_at"}
    answered = SurveyAnswered.objects.get()
    assert answered.practitioner == partnership.adviser
    assert not {f.name for f in SurveyAnswered._meta.get_fields()} & {"answers", "response"}
    event = AccessEvent.objects.filter(actor=partnership.adviser, action="create").last()
    assert event.object_type == "insight.surveyround" and event.object_id == str(survey_round.pk)
    assert str(response.pk) not in str(event.detail)


def test_a_second_answer_is_refused_and_nothing_is_written(partnership):
    survey_round = open_round(partnership.manager)
    answers = all_agree(survey_round)
    services.response_submit(actor=partnership.nurse, survey_round=survey_round, answers=answers)
    with pytest.raises(ApplicationError) as refused:
        services.response_submit(
            actor=partnership.nurse, survey_round=survey_round, answers=answers
        )
    assert refused.value.status == 409
    assert SurveyResponse.objects.count() == 1 and SurveyAnswered.objects.count() == 1


def test_an_answer_outside_the_scale_is_refused_naming_the_item(partnership):
    survey_round = open_round(partnership.manager)
    answers = all_agree(survey_round)
    answers["FP2"] = 9
    with pytest.raises(ApplicationError) as refused:
        services.response_submit(
            actor=partnership.nurse, survey_round=survey_round, answers=answers
        )
    assert refused.value.field == "FP2"
    assert "outside the scale" in refused.value.message
    answers["FP2"] = "often"
    with pytest.raises(ApplicationError) as refused:
        services.response_submit(
            actor=partnership.nurse, survey_round=survey_round, answers=answers
        )
    assert refused.value.field == "FP2"
    assert not SurveyResponse.objects.exists() and not SurveyAnswered.objects.exists()


def test_a_closed_round_takes_no_answers(partnership):
    survey_round = open_round(partnership.manager)
    services.round_close(actor=partnership.manager, survey_round=survey_round)
    with pytest.raises(ApplicationError):
        services.response_submit(
            actor=partnership.nurse, survey_round=survey_round, answers=all_agree(survey_round)
        )


def test_partner_ratings_are_once_per_partner_and_never_of_yourself(partnership):
    survey_round = open_round(partnership.manager, "joinedup-relational", "Partners")
    answers = all_agree(survey_round, 3)
    with pytest.raises(ApplicationError) as refused:
        services.response_submit(
            actor=partnership.nurse, survey_round=survey_round, answers=answers
        )
    assert refused.value.field == "partner"
    with pytest.raises(ApplicationError) as refused:
        services.response_submit(
            actor=partnership.nurse,
            survey_round=survey_round,
            answers=answers,
            partner=partnership.health,
        )
    assert refused.value.field == "partner"
    for partner in (partnership.council, partnership.charity):
        services.response_submit(
            actor=partnership.nurse, survey_round=survey_round, answers=answers, partner=partner
        )
    with pytest.raises(ApplicationError) as refused:
        services.response_submit(
            actor=partnership.nurse,
            survey_round=survey_round,
            answers=answers,
            partner=partnership.council,
        )
    assert refused.value.status == 409
    assert SurveyResponse.objects.filter(partner=partnership.council).count() == 1


def test_results_show_spread_and_never_fewer_than_three(partnership):
    survey_round = open_round(partnership.manager)
    charity_workers = [partnership.adviser, partnership.volunteer]
    council_workers = [partnership.lead, partnership.manager] + [
        factories.practitioner(partnership.council) for _ in range(2)
    ]
    for i, person in enumerate(charity_workers + council_workers):
        answers = all_agree(survey_round, 2 + i % 3)
        services.response_submit(actor=person, survey_round=survey_round, answers=answers)
    build = services.build_now()
    everyone = SurveyResult.objects.get(build=build, round=survey_round, group_by="all")
    score = everyone.payload["groups"][0]["scores"]["common-purpose"]
    assert score["n"] == 6 and not score["suppressed"]
    assert sum(d["people"] for d in score["distribution"]) == 6
    assert score["minimum"] == 2 and score["maximum"] == 4 and score["sd"] > 0
    by_org = SurveyResult.objects.get(build=build, round=survey_round, group_by="organisation")
    groups = {g["label"]: g for g in by_org.payload["groups"]}
    assert groups["Charity"]["scores"]["common-purpose"] == {
        "suppressed": True,
        "concern": False,
        "strength": False,
    }
    assert groups["Council"]["scores"]["common-purpose"]["n"] == 4
    # Organisations with no answers look exactly like suppressed ones.
    assert groups["School"]["scores"] == groups["Charity"]["scores"]


def test_a_survey_file_with_a_problem_is_refused_naming_the_line(manager):
    source = (
        'id = "x"\nversion = "1"\ntitle = "X"\nlicence = "Licensed to us"\nkind = "themed"\n\n'
        '[scales.a]\nlabels = ["No", "Yes"]\n\n[[items]]\nid = "Q1"\ntext = "One"\n\n'
        '[[items]]\nid = "Q1"\ntext = "Two"\n\n[[scoring]]\nid = "s"\nitems = ["Q1"]\n'
    )
    with pytest.raises(ApplicationError) as refused:
        services.instrument_load(actor=manager, source=source.encode(), licence_confirmed=True)
    assert (
        refused.value.message == "Line 15: Duplicate item id 'Q1'."
        and refused.value.field == "file"
    )
    no_scale = source.split("[scales.a]")[0] + '[[items]]\nid = "Q1"\ntext = "One"\n'
    with pytest.raises(ApplicationError, match="Line 7: The instrument has no scale"):
        services.instrument_load(actor=manager, source=no_scale, licence_confirmed=True)
    fixed = source.replace('id = "Q1"\ntext = "Two"', 'id = "Q2"\ntext = "Two"')
    with pytest.raises(ApplicationError) as refused:
        services.instrument_load(actor=manager, source=fixed, licence_confirmed=False)
    assert refused.value.field == "licence_confirmed"
    loaded = services.instrument_load(actor=manager, source=fixed, licence_confirmed=True)
    assert loaded.key == "x@1" and loaded.loaded_by == manager
    changed = fixed.replace('"Two"', '"Three"')
    with pytest.raises(ApplicationError, match="new `version`"):
        services.instrument_load(actor=manager, source=changed, licence_confirmed=True)
    assert SurveyInstrument.objects.filter(key="x@1").count() == 1


def test_trends_across_rounds_for_everyone_by_sector_and_by_organisation(partnership):
    from joinedup.insight.models import SurveyTrend

    people = [partnership.lead, partnership.nurse, partnership.adviser, partnership.volunteer]
    first = open_round(partnership.manager, name="First")
    for person in people:
        services.response_submit(actor=person, survey_round=first, answers=all_agree(first, 3))
    services.round_close(actor=partnership.manager, survey_round=first)
    second = open_round(partnership.manager, name="Second")
    for person in people[:3]:
        services.response_submit(actor=person, survey_round=second, answers=all_agree(second, 4))
    build = services.build_now()
    trend = SurveyTrend.objects.get(build=build).payload
    assert trend["rounds"] == ["First", "Second"]
    score = next(s for s in trend["scores"] if s["rule"] == "common-purpose")
    everyone = next(g for g in score["groups"] if g["kind"] == "all")
    assert [p["mean"] for p in everyone["points"]] == [3.0, 4.0]
    assert everyone["points"][1]["change"] == pytest.approx(1.0)
    charity = next(g for g in score["groups"] if g["label"] == "Charity")
    assert all(p["suppressed"] and p["mean"] is None for p in charity["points"])
