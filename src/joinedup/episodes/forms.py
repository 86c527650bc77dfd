"""Forms for the team around the family (GOV.UK styled through GovukFormMixin)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils import timezone

from joinedup.episodes.models import (
    ActionStatus,
    Attendance,
    Closure,
    ClosureFeedback,
    CriticalIncident,
    Episode,
    LeadProposal,
    Meeting,
    OutcomeJudgement,
)
from joinedup.episodes.selectors import lead_candidates
from joinedup.outcomes.models import OutcomeCategory
from joinedup.outcomes.selectors import default_categories
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.sharing import policy
from joinedup.web.forms import GovukDateField, GovukFormMixin


def _members(episode: Episode) -> Any:
    return episode.members.filter(left_at__isnull=True).select_related("practitioner", "person")


def _choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    field = cast(forms.ModelChoiceField, form.fields[name])
    field.widget.attrs["class"] = "govuk-select"
    return field


def _practitioner_label(p: Practitioner) -> str:
    return f"{p.get_full_name()} – {p.get_profession_display()}, {p.organisation}"


class MemberForm(GovukFormMixin, forms.Form):
    practitioner = forms.ModelChoiceField(
        label="Practitioner",
        required=False,
        queryset=Practitioner.objects.none(),
        help_text="From any organisation and any profession",
    )
    person = forms.ModelChoiceField(
        label="Or a family member taking part", required=False, queryset=Person.objects.none()
    )
    role = forms.CharField(
        label="Their part in the team",
        max_length=200,
        help_text="For example, 'school contact' or 'health visitor'",
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = _choice(self, "practitioner")
        field.widget.attrs["data-module"] = "autocomplete"  # every practitioner: a long list
        field.queryset = Practitioner.objects.filter(
            is_active=True, organisation__isnull=False
        ).select_related("organisation")
        field.label_from_instance = _practitioner_label  # type: ignore[method-assign,assignment]
        _choice(self, "person").queryset = episode.persons.all()


class HandoverForm(GovukFormMixin, forms.Form):
    to = forms.ModelChoiceField(
        label="New lead professional",
        queryset=Practitioner.objects.none(),
        help_text="A practitioner in the team, from any profession",
    )
    reason = forms.CharField(
        label="Why the lead is changing", widget=forms.Textarea(attrs={"rows": 3})
    )
    family_preference = forms.CharField(
        label="What the family would prefer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any):
        kwargs.setdefault("initial", {"expected_version": episode.version})
        super().__init__(*args, **kwargs)
        field = _choice(self, "to")
        field.queryset = lead_candidates(episode, LeadProposal.Kind.HANDOVER)
        field.label_from_instance = _practitioner_label  # type: ignore[method-assign,assignment]
        field.help_text = (
            "Someone in the team whose role includes leading. They take the lead when they "
            "accept; nothing changes until then."
        )


class OutcomeForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="What the family and the team want to be different",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    category = forms.ModelChoiceField(
        label="Outcome area", required=False, queryset=OutcomeCategory.objects.none()
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice(self, "category").queryset = default_categories()


class ActionForm(GovukFormMixin, forms.Form):
    text = forms.CharField(label="What will be done", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(
        label="Who will do it",
        queryset=Practitioner.objects.none(),
        help_text="Any member of the team, including the family",
    )
    due_on = GovukDateField(label="Due by")
    outcome = forms.ModelChoiceField(
        label="Towards which outcome", required=False, queryset=OutcomeCategory.objects.none()
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice(self, "owner").queryset = _members(episode)
        _choice(self, "outcome").queryset = episode.outcomes.all()


class ActionUpdateForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(
        label="Status", choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    not_done_reason = forms.CharField(
        label="If not done, why not", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label="Progress note", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class MeetingForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of meeting", choices=Meeting.Kind.choices, widget=forms.RadioSelect
    )
    held_on = GovukDateField(label="Date of the meeting", future_allowed=False)
    family_attended = forms.BooleanField(label="The family came", required=False)
    family_said = forms.CharField(
        label="What the family said", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    family_said_by = forms.ChoiceField(
        label="Whose words are these?",
        required=False,
        help_text="On the family's pages each person sees only their own words",
    )
    family_said_shared = forms.BooleanField(
        label="Share these words with everyone in the family taking part", required=False
    )
    notes = forms.CharField(
        label="Notes (the team's own, never shown to the family)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decision = forms.CharField(
        label="Decision taken (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision_reasons = forms.CharField(
        label="Reasons for the decision", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision_shared = forms.BooleanField(
        label="Share this decision with the family",
        required=False,
        help_text="Never internal checks or referrals between agencies",
    )
    next_review_on = GovukDateField(
        label="Next review", required=False, help_text="Leave blank for six weeks from the meeting"
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.speakers = {str(p.pk): p for p in policy.family_participants(episode)}
        speaker = self.fields["family_said_by"]
        assert isinstance(speaker, forms.ChoiceField)
        speaker.widget.attrs["class"] = "govuk-select"
        speaker.choices = [("", "Not said by one person")] + [
            (pk, p.full_name) for pk, p in self.speakers.items()
        ]
        self.member_fields: list[tuple[int, str]] = []
        for member in _members(episode):
            name = f"attendance_{member.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{member.name} ({member.role})",
                required=False,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
            )
            self.member_fields.append((member.pk, name))
        self.outcome_fields: list[tuple[int, str]] = []
        for outcome in episode.outcomes.all():
            name = f"judgement_{outcome.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"Since the last review: {outcome.text}",
                required=False,
                choices=OutcomeJudgement.Judgement.choices,
                widget=forms.RadioSelect,
            )
            self.outcome_fields.append((outcome.pk, name))

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "held_on": data["held_on"],
            "family_attended": data["family_attended"],
            "family_said": data["family_said"],
            "family_said_by": self.speakers.get(data["family_said_by"] or ""),
            "family_said_shared": data["family_said_shared"],
            "notes": data["notes"],
            "next_review_on": data["next_review_on"],
            "attendance": {pk: data[name] for pk, name in self.member_fields if data.get(name)},
            "judgements": {pk: data[name] for pk, name in self.outcome_fields if data.get(name)},
            "decisions": [(data["decision"], data["decision_reasons"])] if data["decision"] else [],
            "decisions_shared": data["decision_shared"],
        }


class TeamDecisionForm(GovukFormMixin, forms.Form):
    text = forms.CharField(label="What was decided", widget=forms.Textarea(attrs={"rows": 3}))
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea(attrs={"rows": 3}))
    shared_with_family = forms.BooleanField(
        label="Share this decision with the family",
        required=False,
        help_text="Only what the family should read on their own pages: never internal checks "
        "or referrals between agencies.",
    )


class DisagreementForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="What you disagree with, and why", widget=forms.Textarea(attrs={"rows": 4})
    )


class EscalateForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label="Why it needs to go up a level", widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class ResolveForm(GovukFormMixin, forms.Form):
    resolution = forms.CharField(
        label="How it was resolved", widget=forms.Textarea(attrs={"rows": 3})
    )
    upheld = forms.ChoiceField(
        label="Was the disagreement upheld?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes, the decision changed"), ("no", "No, the decision stands")],
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class IncidentForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What happened", choices=CriticalIncident.Kind.choices, widget=forms.RadioSelect
    )
    occurred_on = GovukDateField(label="Date", future_allowed=False)
    occurred_time = forms.TimeField(
        label="Time", help_text="For example, 14:30", input_formats=["%H:%M", "%H.%M"]
    )
    description = forms.CharField(
        label="Describe what happened", widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["occurred_time"].widget.attrs["class"] = "govuk-input govuk-input--width-5"

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        moment = datetime.combine(data["occurred_on"], data["occurred_time"] or time())
        return {
            "kind": data["kind"],
            "description": data["description"],
            "occurred_at": timezone.make_aware(moment),
        }


class StepForm(GovukFormMixin, forms.Form):
    to = forms.ModelChoiceField(label="Who will lead now", queryset=Practitioner.objects.none())
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, episode: Episode, kind: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = _choice(self, "to")
        field.queryset = lead_candidates(episode, kind)
        if kind == LeadProposal.Kind.STEP_DOWN:
            # The lead may stay the same at step-down: the social worker keeps the family.
            field.queryset = Practitioner.objects.filter(
                Q(pk__in=field.queryset.values("pk")) | Q(pk=episode.lead_professional_id)
            ).select_related("organisation")
        field.label_from_instance = _practitioner_label  # type: ignore[method-assign,assignment]
        field.help_text = (
            "They take the lead when they accept; nothing changes until then. "
            "Choose yourself to take it now."
        )
        field.widget.attrs["data-module"] = "autocomplete"


class LeadDeclineForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why you cannot take the lead", widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(GovukFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Why is the episode closing?",
        choices=Closure.Reason.choices,
        widget=forms.RadioSelect,
    )
    summary = forms.CharField(
        label="Closing summary",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What changed for the family, and what support continues",
    )


class EpisodeStartForm(GovukFormMixin, forms.Form):
    persons = forms.MultipleChoiceField(
        label="Who is the team around?",
        widget=forms.CheckboxSelectMultiple,
        help_text="At least one child, and the adults in the family you work with",
        error_messages={"required": "Choose at least one child"},
    )
    reason = forms.CharField(
        label="Why a team around the family is needed", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["persons"]).choices = [
            (str(p.pk), f"{p.given_name} {p.family_name} ({p.get_kind_display().lower()})")
            for p in candidates
        ]


class ClosureFeedbackForm(GovukFormMixin, forms.Form):
    """Feedback the family gave a practitioner in person or by phone, in their words."""

    given_by = forms.ModelChoiceField(
        label="Who gave the feedback",
        queryset=Person.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose who in the family gave the feedback"},
    )
    how = forms.ChoiceField(
        label="How did they give it",
        choices=[
            (ClosureFeedback.How.IN_PERSON, ClosureFeedback.How.IN_PERSON.label),
            (ClosureFeedback.How.PHONE, ClosureFeedback.How.PHONE.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose in person or by phone"},
    )
    rating = forms.TypedChoiceField(
        label="How much did the help make a difference?",
        choices=[(n, f"{n} – {label}") for n, label in ClosureFeedback.RATINGS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much the help made a difference, from 1 to 5"},
    )
    what_helped = forms.CharField(
        label="What helped",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In their own words",
    )
    could_be_better = forms.CharField(
        label="What could be better",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In their own words",
    )
    given_on = GovukDateField(
        label="Date they gave it", future_allowed=False, help_text="For example, 27 3 2026"
    )

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["given_by"])
        field.queryset = episode.persons.order_by("pk")
        field.label_from_instance = lambda p: p.full_name  # type: ignore[method-assign,assignment]
