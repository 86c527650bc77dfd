"""GOV.UK-styled forms for the daily record."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from joinedup.episodes.models import Meeting
from joinedup.recording import files
from joinedup.recording.models import Attendance, NoteKind, Visibility
from joinedup.web.forms import GovukDateField, GovukFormMixin

SEEN_CHOICES = [
    ("yes", "Yes"),
    ("no", "No"),
    ("na", "Not applicable"),
]
SEEN_VALUES = {"yes": True, "no": False, "na": None, "": None}


def _seen_initial(value: bool | None) -> str:
    return {True: "yes", False: "no"}.get(value, "na")  # type: ignore[arg-type]


class CaseNoteForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of contact",
        choices=NoteKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of contact"},
    )
    occurred_on = GovukDateField(
        label="Date of the contact", future_allowed=False, help_text="For example, 27 3 2026"
    )
    who_was_seen = forms.CharField(
        label="Who was seen or spoken to",
        required=False,
        max_length=500,
        help_text="For example, Mia, her mother Jodie and Jodie's partner",
    )
    child_seen = forms.ChoiceField(
        label="Was the child seen?", choices=SEEN_CHOICES, widget=forms.RadioSelect
    )
    child_seen_alone = forms.ChoiceField(
        label="Was the child seen alone?", choices=SEEN_CHOICES, widget=forms.RadioSelect
    )
    what_happened = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you saw and were told, and what you did. Facts, not opinions.",
        error_messages={"required": "Say what happened"},
    )
    what_next = forms.CharField(
        label="What happens next", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    visibility = forms.ChoiceField(
        label="Who may read this note",
        choices=Visibility.choices,
        widget=forms.RadioSelect,
        help_text="Your organisation can always read it. Share it with the team around the "
        "family, or with the team and the family, where they should know.",
    )
    significant = forms.BooleanField(
        label="This is significant: add it to the family's chronology", required=False
    )

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["child_seen"] = SEEN_VALUES[data["child_seen"]]
        data["child_seen_alone"] = SEEN_VALUES[data["child_seen_alone"]]
        return data

    @classmethod
    def initial_from(cls, note: Any) -> dict[str, Any]:
        initial = {name: getattr(note, name) for name in cls.base_fields}
        initial["child_seen"] = _seen_initial(note.child_seen)
        initial["child_seen_alone"] = _seen_initial(note.child_seen_alone)
        return initial


class DocumentForm(GovukFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, School report for the review meeting",
        error_messages={"required": "Give the document a title"},
    )
    file = forms.FileField(
        label="File",
        help_text=f"A PDF, an image or a Word document ({files.ACCEPTED}), at most 20 MB",
        error_messages={"required": "Choose a file to upload"},
    )
    visibility = forms.ChoiceField(
        label="Who may read this document", choices=Visibility.choices, widget=forms.RadioSelect
    )
    invitation: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="For a meeting (optional)", queryset=None, required=False, empty_label="No meeting"
    )
    action: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="For an action (optional)", queryset=None, required=False, empty_label="No action"
    )

    def __init__(
        self, *args: Any, invitations: Any = None, actions: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if invitations is None:
            del self.fields["invitation"]
            del self.fields["action"]
        else:
            self.fields["invitation"].queryset = invitations  # type: ignore[attr-defined]
            self.fields["action"].queryset = actions  # type: ignore[attr-defined]
            self.fields["action"].label_from_instance = lambda a: a.text[:80]  # type: ignore[attr-defined]


TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class InvitationTimeForm(GovukFormMixin, forms.Form):
    """When and where: shared by scheduling and rescheduling."""

    day = GovukDateField(label="Date of the meeting", help_text="For example, 14 12 2026")
    start_time = forms.CharField(
        label="Start time",
        max_length=5,
        help_text="In 24-hour time, for example 14:30",
        error_messages={"required": "Enter the start time"},
    )
    duration = forms.TypedChoiceField(
        label="How long",
        coerce=int,
        choices=[(30, "30 minutes"), (60, "1 hour"), (90, "1 hour 30 minutes"), (120, "2 hours")],
        initial=60,
    )
    place = forms.CharField(
        label="Place",
        required=False,
        max_length=300,
        help_text="For example, Oakfield Primary School, meeting room 2",
    )
    link = forms.URLField(
        assume_scheme="https",
        label="Link to join online",
        required=False,
        max_length=500,
        help_text="If the meeting is online or hybrid",
    )

    def clean_start_time(self) -> tuple[int, int]:
        match = TIME.match(self.cleaned_data["start_time"])
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise forms.ValidationError("Enter the start time in 24-hour time, like 14:30")
        return int(match[1]), int(match[2])

    def times(self) -> dict[str, Any]:
        day = self.cleaned_data["day"]
        hour, minute = self.cleaned_data["start_time"]
        starts = timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))
        return {
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=self.cleaned_data["duration"]),
            "place": self.cleaned_data["place"],
            "link": self.cleaned_data["link"],
        }


class InvitationForm(InvitationTimeForm):
    kind = forms.ChoiceField(
        label="Kind of meeting", choices=Meeting.Kind.choices, widget=forms.RadioSelect
    )
    practitioners = forms.MultipleChoiceField(
        label="Invite from the team",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    persons = forms.MultipleChoiceField(
        label="Invite from the family",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Those with a family account get the invitation by email; tell the others.",
    )

    field_order = ["kind", "day", "start_time", "duration", "place", "link"]

    def __init__(self, *args: Any, team: list[Any], family: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = {str(p.pk): p for p in team}
        self.family = {str(p.pk): p for p in family}
        self.fields["practitioners"].choices = [  # type: ignore[attr-defined]
            (k, f"{p.get_full_name()} ({p.organisation.name})") for k, p in self.team.items()
        ]
        self.fields["persons"].choices = [(k, p.full_name) for k, p in self.family.items()]  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        return {
            **self.times(),
            "kind": self.cleaned_data["kind"],
            "practitioners": [self.team[k] for k in self.cleaned_data["practitioners"]],
            "persons": [self.family[k] for k in self.cleaned_data["persons"]],
        }


class InvitationChangeForm(InvitationTimeForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class InvitationCancelForm(GovukFormMixin, forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class AttendanceForm(GovukFormMixin, forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, invitees: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for invitee in invitees:
            self.fields[f"invitee_{invitee.pk}"] = forms.ChoiceField(
                label=invitee.name,
                choices=Attendance.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say whether {invitee.name} attended"},
            )

    def attendance(self) -> dict[int, str]:
        return {
            int(name.removeprefix("invitee_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("invitee_")
        }
