"""Review and escalation reminders, scheduled on the worker: each is sent once for its due date
however often the schedule runs, audited as the system, never for a closed episode or a
resolved disagreement, and never naming the child."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from joinedup.audit.models import AccessEvent
from joinedup.episodes import services as t
from joinedup.episodes.models import Disagreement, Reminder
from joinedup.episodes.services import reminders
from joinedup.frontdoor import services as frontdoor
from joinedup.jobs import scheduled, tasks
from joinedup.partnership.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def health_visitor(db):
    return factories.practitioner(
        factories.organisation("Health Visiting", sector="health"), profession="health_visitor"
    )


@pytest.fixture
def episode(teacher, child, health_visitor):
    episode = frontdoor.episode_open_practitioner_led(actor=teacher, persons=[child])
    t.member_add(actor=teacher, episode=episode, practitioner=health_visitor, role="Health visitor")
    return episode


def _review(episode, teacher, *, held_days_ago: int, due_in_days: int) -> None:
    today = timezone.localdate()
    t.meeting_record(
        actor=teacher,
        episode=episode,
        kind="review",
        held_on=today - timedelta(days=held_days_ago),
        attendance={},
        next_review_on=today + timedelta(days=due_in_days),
    )


def _reminders_to(practitioner) -> list[Notification]:
    return list(Notification.objects.filter(recipient=practitioner, subject__contains="review"))


REMINDER = re.compile(r"The review of .* is |A disagreement in .* is (overdue at|due to move)")


def _nothing_names(child) -> None:
    """No reminder, in joinedup or by email, names the child: to anyone."""
    texts = [f"{n.subject}\n{n.body}" for n in Notification.objects.all()]
    texts += [f"{m.subject}\n{m.body}" for m in mail.outbox]
    sent = [text for text in texts if REMINDER.search(text)]
    assert sent
    assert not [text for text in sent if child.given_name in text or child.family_name in text]


def test_the_workers_schedule_reminds_the_lead_of_a_review_once(
    episode, teacher, health_visitor, child, outsider, django_capture_on_commit_callbacks
):
    _review(episode, teacher, held_days_ago=40, due_in_days=3)
    before = Notification.objects.count()
    now = timezone.now()
    assert "review-reminders" not in scheduled.enqueue_due(now)  # first sight: set for 07:00
    with django_capture_on_commit_callbacks(execute=True):
        assert "review-reminders" in scheduled.enqueue_due(now + timedelta(days=1, minutes=1))
        # The next morning's run, and the same job run again by hand: nothing more is sent.
        assert "review-reminders" in scheduled.enqueue_due(now + timedelta(days=2, minutes=1))
        tasks.review_reminders.enqueue()

    [note] = _reminders_to(teacher)
    assert note.subject.startswith(f"The review of {episode.reference} is due on ")
    assert note.link == f"/episodes/{episode.pk}/"
    assert Notification.objects.count() == before + 1  # the lead only
    assert not _reminders_to(health_visitor) and not _reminders_to(outsider)
    [email] = [m for m in mail.outbox if "review" in m.subject]
    assert email.to == [teacher.email]
    reminder = Reminder.objects.get()
    assert reminder.kind == Reminder.Kind.REVIEW_SOON and reminder.told == [teacher.pk]
    [event] = AccessEvent.objects.filter(object_type="episodes.reminder")
    assert event.actor_id is None and event.action == "create"
    assert event.detail["told"] == [teacher.pk]
    assert child.pk in event.person_ids
    _nothing_names(child)


def test_an_overdue_review_is_told_once_and_a_new_review_date_is_told_again(
    episode, teacher, child
):
    _review(episode, teacher, held_days_ago=60, due_in_days=-5)
    assert reminders.review_reminders_send() == 1
    assert reminders.review_reminders_send() == 0
    [note] = _reminders_to(teacher)
    assert note.subject == f"The review of {episode.reference} is overdue"
    assert Reminder.objects.get().kind == Reminder.Kind.REVIEW_OVERDUE

    _review(episode, teacher, held_days_ago=0, due_in_days=5)  # held: the next is set
    assert reminders.review_reminders_send() == 1
    assert reminders.review_reminders_send() == 0
    assert len(_reminders_to(teacher)) == 2
    _nothing_names(child)


def test_no_reminder_for_a_closed_episode(episode, teacher):
    _review(episode, teacher, held_days_ago=60, due_in_days=-5)
    decision = t.decision_record(actor=teacher, episode=episode, text="Close", reasons="Done")
    t.disagreement_raise(actor=teacher, decision=decision, text="Not yet")
    t.episode_close(
        actor=teacher, episode=episode, reason="outcomes_achieved", summary="Going well."
    )
    later = timezone.now() + timedelta(days=30)
    assert reminders.review_reminders_send() == 0
    assert reminders.escalation_reminders_send(now=later) == 0
    assert not Reminder.objects.exists()
    assert not Notification.objects.filter(subject__contains="overdue").exists()


def test_a_reminder_cut_short_is_sent_whole_on_the_next_run(episode, teacher, monkeypatch):
    """A worker lost mid-reminder leaves nothing behind (one transaction), so the next run sends
    it, once."""
    _review(episode, teacher, held_days_ago=40, due_in_days=2)
    real = reminders.audit.record

    def lost(**kwargs):
        raise RuntimeError("the worker stopped")

    monkeypatch.setattr(reminders.audit, "record", lost)
    with pytest.raises(RuntimeError):
        reminders.review_reminders_send()
    assert not Reminder.objects.exists() and not _reminders_to(teacher)
    monkeypatch.setattr(reminders.audit, "record", real)
    assert reminders.review_reminders_send() == 1
    assert reminders.review_reminders_send() == 0
    assert len(_reminders_to(teacher)) == 1


def test_escalation_reminders_tell_the_people_concerned_once_per_level_and_stage(
    episode, teacher, health_visitor, school, child, outsider
):
    head = factories.practitioner(school, profession="manager")
    teacher.line_manager = head
    teacher.save()
    decision = t.decision_record(
        actor=teacher, episode=episode, text="No referral to CAMHS", reasons="Waiting list"
    )
    disagreement = t.disagreement_raise(
        actor=health_visitor, decision=decision, text="Maya's sleep has worsened; refer now."
    )
    due = disagreement.level_due_at
    assert reminders.escalation_reminders_send(now=due - timedelta(days=3)) == 0  # not yet
    assert reminders.escalation_reminders_send(now=due - timedelta(hours=2)) == 1
    assert reminders.escalation_reminders_send(now=due - timedelta(hours=1)) == 0
    assert reminders.escalation_reminders_send(now=due + timedelta(hours=1)) == 1
    assert reminders.escalation_reminders_send(now=due + timedelta(hours=5)) == 0

    def told(practitioner) -> list[str]:
        subjects = Notification.objects.filter(recipient=practitioner).values_list(
            "subject", flat=True
        )
        return [s for s in subjects if REMINDER.search(s)]

    ref = episode.reference
    expected = [
        f"A disagreement in {ref} is overdue at level 1",
        f"A disagreement in {ref} is due to move on",
    ]
    assert told(teacher) == expected  # the one who decided, and the lead
    assert told(health_visitor) == expected  # the one who disagrees
    assert told(outsider) == [] and told(head) == []

    # At level 2 the manager is concerned too; the health visitor, gone from the team, is not.
    t.disagreement_escalate(actor=teacher, disagreement=disagreement, note="No agreement")
    t.member_remove(
        actor=teacher, member=episode.members.get(practitioner=health_visitor, left_at=None)
    )
    disagreement = Disagreement.objects.get()
    assert disagreement.level == 2
    assert reminders.escalation_reminders_send(now=disagreement.level_due_at) == 1
    overdue_2 = f"A disagreement in {ref} is overdue at level 2"
    assert told(head) == [overdue_2]
    assert told(teacher)[0] == overdue_2
    assert overdue_2 not in told(health_visitor) and told(outsider) == []
    assert Reminder.objects.filter(disagreement=disagreement).count() == 3
    assert AccessEvent.objects.filter(object_type="episodes.reminder", actor=None).count() == 3
    _nothing_names(child)

    t.disagreement_resolve(
        actor=teacher, disagreement=disagreement, resolution="Referred", upheld=True
    )
    later = disagreement.level_due_at + timedelta(days=10)
    assert reminders.escalation_reminders_send(now=later) == 0
