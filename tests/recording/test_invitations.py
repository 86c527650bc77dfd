"""Meeting invitations: scheduled, emailed with an iCalendar file (parsed here with the
icalendar package), updated and cancelled with a higher SEQUENCE, attendance afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from joinedup.audit.models import AccessEvent
from joinedup.errors import ApplicationError, NotFound
from joinedup.recording import services
from joinedup.recording.models import Invitee, MeetingInvitation
from tests import factories

pytestmark = pytest.mark.django_db


def soon(days=7, hour=10):
    start = (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(hours=1)


def schedule(fam, **extra):
    starts, ends = soon()
    fields = {
        "kind": "review",
        "starts_at": starts,
        "ends_at": ends,
        "place": "Oakfield Family Hub, room 2",
        "practitioners": [fam.lead, fam.adviser],
        "persons": [fam.mother],
    }
    return services.invitation_schedule(actor=fam.lead, episode=fam.episode, **{**fields, **extra})


def calendar_of(message) -> Calendar:
    (name, content, mimetype) = message.attachments[0]
    assert name == "invitation.ics" and mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def test_invitations_sent_with_an_ics_the_calendar_reads(
    fam, mother_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = schedule(fam)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([fam.lead.email, fam.adviser.email, "jodie@example.net"])
    cal = calendar_of(mail.outbox[0])
    assert str(cal["method"]) == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["uid"]) == f"{invitation.uid}@joinedup"
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == invitation.starts_at
    assert str(event["location"]) == "Oakfield Family Hub, room 2"
    # No child's or family's name in the email or the calendar.
    assert "Carter" not in mail.outbox[0].body and "Carter" not in str(event["summary"])
    attendees = {str(a).removeprefix("mailto:") for a in event.get("attendee")}
    assert "jodie@example.net" in attendees
    assert AccessEvent.objects.filter(object_type="recording.meetinginvitation", action="create")


def test_family_member_without_account_is_invited_but_not_emailed(
    fam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule(fam, practitioners=[], persons=[fam.mother])
    assert Invitee.objects.get(person=fam.mother).email == ""
    assert mail.outbox == []


def test_update_and_cancel_raise_the_sequence(fam, django_capture_on_commit_callbacks):
    invitation = schedule(fam)
    starts, ends = soon(days=9, hour=14)
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.invitation_change(
            actor=fam.lead,
            invitation=invitation,
            expected_version=1,
            starts_at=starts,
            ends_at=ends,
            place="",
            link="https://meet.example.org/review",
        )
    event = calendar_of(mail.outbox[-1]).walk("VEVENT")[0]
    assert int(event["sequence"]) == 1 and event.decoded("dtstart") == starts
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_cancel(actor=fam.lead, invitation=changed, expected_version=2)
    cal = calendar_of(mail.outbox[0])
    event = cal.walk("VEVENT")[0]
    assert str(cal["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 2
    assert str(event["uid"]) == f"{invitation.uid}@joinedup"


def test_past_meeting_and_missing_place_refused_naming_the_field(fam):
    starts = timezone.now() - timedelta(hours=2)
    with pytest.raises(ApplicationError) as error:
        schedule(fam, starts_at=starts, ends_at=starts + timedelta(hours=1))
    assert error.value.field == "starts_at"
    with pytest.raises(ApplicationError) as error:
        schedule(fam, place="", link="")
    assert error.value.field == "place"
    stranger = factories.practitioner(fam.council)
    with pytest.raises(ApplicationError) as error:
        schedule(fam, practitioners=[stranger])
    assert error.value.field == "practitioners"
    assert not MeetingInvitation.objects.exists()


def test_outsider_may_not_schedule(fam, outsider):
    starts, ends = soon()
    with pytest.raises(NotFound):
        services.invitation_schedule(
            actor=outsider,
            episode=fam.episode,
            kind="review",
            starts_at=starts,
            ends_at=ends,
            place="x",
            practitioners=[fam.lead],
        )


def test_attendance_recorded_after_the_meeting(fam):
    invitation = schedule(fam)
    invitees = list(invitation.invitees.all())
    everyone = {i.pk: "attended" for i in invitees}
    with pytest.raises(ApplicationError) as error:
        services.attendance_record(
            actor=fam.lead, invitation=invitation, expected_version=1, attendance=everyone
        )
    assert error.value.field == "attendance"
    # The meeting has happened.
    MeetingInvitation.objects.filter(pk=invitation.pk).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1)
    )
    invitation.refresh_from_db()
    partial = {invitees[0].pk: "attended"}
    with pytest.raises(ApplicationError) as error:
        services.attendance_record(
            actor=fam.lead, invitation=invitation, expected_version=1, attendance=partial
        )
    assert error.value.field == f"invitee_{invitees[1].pk}"
    everyone[invitees[1].pk] = "apologies"
    services.attendance_record(
        actor=fam.lead, invitation=invitation, expected_version=1, attendance=everyone
    )
    assert Invitee.objects.get(pk=invitees[1].pk).attendance == "apologies"
