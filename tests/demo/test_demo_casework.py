"""The demo's teams around families: every state an episode can be in, and early-help
assessments that read like a practitioner wrote them, the same for the same seed."""

from __future__ import annotations

import random

import pytest

from joinedup.assessments import services as assessments
from joinedup.assessments.models import Assessment, AssessmentStatus
from joinedup.audit import services as audit
from joinedup.chronology import services as chronology
from joinedup.chronology.models import PatternAlert
from joinedup.demo import loader
from joinedup.demo.casework import assessment_answers
from joinedup.episodes import selectors
from joinedup.episodes.models import (
    Action,
    ActionStatus,
    Closure,
    ClosureFeedback,
    CriticalIncident,
    Disagreement,
    Episode,
    EpisodeStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    loader.load(families=25, seed=2026)


def test_the_demo_has_an_episode_in_every_state(demo):
    statuses = set(Episode.objects.values_list("status", flat=True))
    assert statuses == set(EpisodeStatus.values)
    reasons = set(Closure.objects.values_list("reason", flat=True))
    assert reasons == set(Closure.Reason.values)
    assert ClosureFeedback.objects.exists()
    assert audit.verify().ok


def test_open_plans_have_actions_in_every_status_with_reasons_for_not_done(demo):
    open_actions = Action.objects.filter(episode__status=EpisodeStatus.OPEN)
    assert set(open_actions.values_list("status", flat=True)) == set(ActionStatus.values)
    not_done = Action.objects.filter(status=ActionStatus.NOT_DONE)
    assert all(a.not_done_reason.strip() for a in not_done)


def test_what_waits_for_leads_in_the_demo(demo):
    open_episodes = Episode.objects.filter(status=EpisodeStatus.OPEN).order_by("pk")
    leads = {e.lead_professional for e in open_episodes}
    work = [selectors.my_work(user=lead) for lead in leads]
    assert any(w.reviews_overdue for w in work)
    assert any(w.incidents_to_acknowledge for w in work)
    assert any(w.pattern_alerts for w in work)
    assert Disagreement.objects.filter(level=2, status="open").exists()
    assert CriticalIncident.objects.filter(acknowledged_at__isnull=True).exists()
    waiting = PatternAlert.objects.filter(acknowledged_at__isnull=True, episode__isnull=False)
    assert waiting.filter(rule="was_not_brought_x3_90d").exists()
    assert PatternAlert.objects.filter(acknowledged_by__isnull=False).exists()


def test_the_chronology_shows_an_ended_involvement(demo):
    episode = Episode.objects.filter(status=EpisodeStatus.OPEN).order_by("pk")[2]
    view = chronology.chronology_get(user=episode.lead_professional, episode_id=episode.pk)
    assert any(i.what == "Involvement ended" for i in view.items)


def test_demo_assessments_are_completed_and_in_draft_and_fully_written(demo):
    template = assessments.current_template()
    done = Assessment.objects.filter(
        status__in=[AssessmentStatus.COMPLETED, AssessmentStatus.SHARED]
    )
    assert done.filter(status=AssessmentStatus.SHARED).exists()
    assert Assessment.objects.filter(status=AssessmentStatus.DRAFT).exists()
    assert all(a.template_id == template.pk for a in Assessment.objects.all())
    for a in done:
        assert assessments.missing_for_completion(a) is None
        answers = a.factors.values()
        assert any(f["strengths"] for f in answers) and any(f["needs"] for f in answers)
        assert any(f["scale"] is not None for f in answers)
        assert a.child_words and a.analysis
    with_parents = [a for a in done if len(a.carers_words) >= 2]
    assert with_parents, "a family where each parent's words are heard"
    for a in with_parents:
        words = [c["words"] for c in a.carers_words]
        assert len(set(words)) == len(words) and all(c["who"] for c in a.carers_words)
    analyses = [a.analysis for a in done]
    assert len(set(analyses)) == len(analyses)  # different for every family


def test_assessment_words_are_the_same_for_the_same_family_and_differ_between_families():
    domains = assessments.DEFAULT_DEFINITION["domains"]

    def write(stream: str) -> dict:
        return assessment_answers(
            random.Random(stream),
            domains=domains,
            child_name="Maya",
            child_age=7,
            parents=[("parent", "female", "Kelly"), ("parent", "male", "Dan")],
        )

    assert write("2026-DEMO-00004-3-assessment") == write("2026-DEMO-00004-3-assessment")
    assert write("2026-DEMO-00004-3-assessment") != write("2026-DEMO-00005-3-assessment")
    baby = assessment_answers(
        random.Random("x"), domains=domains, child_name="Leo", child_age=1, parents=[]
    )
    assert baby["child_words"].startswith("Too young to say in words")
    assert "Attendance" not in str(baby["factors"])


def test_loading_again_adds_no_casework(demo):
    counts = (Episode.objects.count(), Assessment.objects.count(), PatternAlert.objects.count())
    loader.load(families=25, seed=2026)
    assert (
        Episode.objects.count(),
        Assessment.objects.count(),
        PatternAlert.objects.count(),
    ) == counts
