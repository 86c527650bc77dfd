"""The practitioner's daily record: case notes and visits, documents, meeting invitations.

Each note and document is about a person or an episode and belongs to the author's organisation;
who else may read it is decided by `sharing/policy.py` from its visibility.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q

from joinedup.episodes.models import Action, Episode, Meeting
from joinedup.partnership.models import Organisation, Practitioner, RecordVisibility
from joinedup.people.models import Person

Visibility = RecordVisibility


class NoteKind(models.TextChoices):
    HOME_VISIT = "home_visit", "Home visit"
    OFFICE_VISIT = "office_visit", "Office visit"
    PHONE_CALL = "phone_call", "Phone call"
    MESSAGE = "message", "Message (email, text or letter)"
    SCHOOL_CONTACT = "school_contact", "School contact"
    VIRTUAL = "virtual", "Virtual meeting (video call)"


def _about_one_thing() -> Q:
    return Q(person__isnull=False, episode__isnull=True) | Q(
        person__isnull=True, episode__isnull=False
    )


class CaseNote(models.Model):
    """A visit, call or contact. Never deleted except by retention; an edit keeps the earlier
    version in CaseNoteVersion."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="case_notes"
    )
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="case_notes"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    occurred_on = models.DateField()
    who_was_seen = models.CharField(max_length=500, blank=True)
    child_seen = models.BooleanField(null=True, blank=True)
    child_seen_alone = models.BooleanField(null=True, blank=True)
    what_happened = models.TextField()
    what_next = models.TextField(blank=True)
    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    significant = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "occurred_on"], name="note_person_idx"),
            models.Index(fields=["episode", "occurred_on"], name="note_episode_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=_about_one_thing(), name="note_about_one_thing"),
            models.CheckConstraint(
                condition=~Q(child_seen=False, child_seen_alone=True),
                name="note_seen_alone_only_if_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"


class CaseNoteVersion(models.Model):
    """What a note said before an edit, and who changed it."""

    note = models.ForeignKey(CaseNote, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    replaced_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="note_version_unique")
        ]


class InvitationStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class MeetingInvitation(models.Model):
    """A meeting of the team around the family, scheduled ahead: invitations go by email with
    an iCalendar file; each change raises `sequence` so calendars replace the earlier one."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField(max_length=10, choices=Meeting.Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    link = models.URLField(max_length=500, blank=True)
    organiser = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.SCHEDULED
    )
    meeting = models.OneToOneField(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["episode", "starts_at"], name="invitation_episode_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="invitation_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(place="", link=""), name="invitation_has_place_or_link"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.starts_at:%Y-%m-%d %H:%M}"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    DID_NOT_ATTEND = "did_not_attend", "Did not attend"


class Invitee(models.Model):
    """A practitioner of the team or a family member, invited; attendance recorded afterwards."""

    invitation = models.ForeignKey(
        MeetingInvitation, on_delete=models.CASCADE, related_name="invitees"
    )
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, help_text="Blank: tell them another way.")
    attendance = models.CharField(max_length=20, choices=Attendance.choices, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(practitioner__isnull=False, person__isnull=True)
                | Q(practitioner__isnull=True, person__isnull=False),
                name="invitee_practitioner_or_person",
            ),
        ]


class DocumentStorage(Storage):
    """The storage configured now as STORAGES["documents"] (files on disk by default,
    S3-compatible storage by settings). Looked up on each use, not once at import, so a change
    of settings (a deployment's, or a test's) is followed."""

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("__"):
            return object.__getattribute__(self, name)
        return getattr(storages["documents"], name)


def _document_storage() -> Storage:
    return DocumentStorage()


class Document(models.Model):
    """A file kept on a person's or an episode's record: never served inline."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    episode = models.ForeignKey(
        Episode, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=200)
    file = models.FileField(storage=_document_storage, upload_to="documents/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, help_text="Decided from the file's bytes.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    invitation = models.ForeignKey(
        MeetingInvitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        help_text="An agency's report for a meeting.",
    )
    action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=_about_one_thing(), name="document_about_one_thing"),
        ]

    def __str__(self) -> str:
        return self.title
