"""Meeting invitations as iCalendar (RFC 5546 iTIP): REQUEST for new and changed meetings,
CANCEL when called off. Each change carries a higher SEQUENCE, so a calendar replaces the
earlier copy of the same UID rather than adding a second meeting.

Emails carry no names of children or families (as every joinedup email): the summary gives the
kind of meeting and the episode's reference only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//joinedup//meeting invitations//EN"


def summary(invitation: Any) -> str:
    return f"{invitation.get_kind_display()} ({invitation.episode.reference})"


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def ics(invitation: Any, invitees: list[Any], *, method: str) -> bytes:
    """The iCalendar file for an invitation: method "REQUEST" or "CANCEL"."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"{invitation.uid}@joinedup")
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", invitation.starts_at)
    event.add("dtend", invitation.ends_at)
    event.add("summary", summary(invitation))
    where = invitation.place or invitation.link
    event.add("location", where)
    if invitation.link:
        event.add("url", invitation.link)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organiser = invitation.organiser
    event["organizer"] = _address(
        organiser.email or settings.DEFAULT_FROM_EMAIL, organiser.get_full_name()
    )
    for invitee in invitees:
        if invitee.email:
            event.add(
                "attendee",
                _address(invitee.email, invitee.name, role="REQ-PARTICIPANT", rsvp="TRUE"),
            )
    calendar.add_component(event)
    return calendar.to_ical()
