"""GOV.UK-styled forms of the child-protection path; each hands its answers to one service."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.episodes.models import TeamMember
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person
from joinedup.protection import codes, selectors
from joinedup.protection.models import (
    AbuseCategory,
    Agency,
    ChildParticipation,
    ChildProtectionTeam,
    Conference,
    EnquiryOutcome,
    FamilyNetworkMember,
    FgdmResponse,
    ProtectionCase,
    StrategyDecision,
)
from joinedup.web.forms import GovukDateField, GovukFormMixin

PAST = {"future_allowed": False}


class PractitionerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        organisation = obj.organisation.name if obj.organisation_id else ""
        return f"{obj.get_full_name()}, {obj.get_profession_display()}, {organisation}"


class CpTeamForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Team name", max_length=200)
    area = forms.CharField(label="Area the team serves", max_length=200)


class CpTeamMemberForm(GovukFormMixin, forms.Form):
    practitioner = PractitionerChoice(
        label="Practitioner", queryset=Practitioner.objects.none(), empty_label="Choose someone"
    )
    agency = forms.ChoiceField(label="Agency", choices=Agency.choices, widget=forms.RadioSelect)
    nominated_by_icb = forms.BooleanField(
        label="Nominated by the integrated care board (health members)", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["practitioner"].queryset = selectors.practitioners_for_teams()  # type: ignore[attr-defined]


class CaseOpenForm(GovukFormMixin, forms.Form):
    child: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Child", queryset=Person.objects.none(), empty_label="Choose the child"
    )
    lead_practitioner = PractitionerChoice(
        label="Lead Child Protection Practitioner",
        queryset=Practitioner.objects.none(),
        help_text="A social worker",
        empty_label="Choose a social worker",
    )
    cp_team = forms.ModelChoiceField(
        label="Multi-agency child protection team",
        queryset=ChildProtectionTeam.objects.all(),
        required=False,
        empty_label="None yet",
    )
    referral_date = GovukDateField(label="Referral date", **PAST)
    referral_source = forms.ChoiceField(
        label="Source of referral",
        choices=[("", "Not known yet"), *codes.choices(codes.REFERRAL_SOURCE)],
        required=False,
    )
    primary_need = forms.ChoiceField(
        label="Primary need",
        choices=[("", "Not known yet"), *codes.choices(codes.PRIMARY_NEED)],
        required=False,
    )
    ethnicity = forms.ChoiceField(
        label="Child's ethnicity",
        choices=[("", "Not known yet"), *codes.choices(codes.ETHNICITY)],
        required=False,
    )
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        choices=codes.choices(codes.DISABILITY),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, episode: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = episode.persons.filter(kind="child")  # type: ignore[attr-defined]
        self.fields["lead_practitioner"].queryset = selectors.social_workers()  # type: ignore[attr-defined]


class HandoverForm(GovukFormMixin, forms.Form):
    to = PractitionerChoice(
        label="New Lead Child Protection Practitioner",
        queryset=Practitioner.objects.none(),
        empty_label="Choose a social worker",
    )
    reason = forms.CharField(label="Reason for the handover", widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.pop("case", None)
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = selectors.social_workers()  # type: ignore[attr-defined]


def _attendee_fields(prefix: str) -> dict[str, forms.Field]:
    return {
        f"{prefix}{code}": forms.CharField(
            label=f"Who took part from {label.lower()}",
            required=False,
            widget=forms.Textarea({"rows": 2}),
            help_text="Names, one per line",
        )
        for code, label in Agency.choices
    }


class AttendeesMixin:
    def attendees(self) -> list[tuple[str, str]]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return [
            (name, code)
            for code, _ in Agency.choices
            for name in (data.get(f"attended_{code}") or "").splitlines()
            if name.strip()
        ]

    def add_application_error(self, field: str | None, message: str) -> None:
        # Errors about who took part point at the first agency's box.
        if field == "attendees":
            field = f"attended_{Agency.choices[0][0]}"
        super().add_application_error(field, message)  # type: ignore[misc]


class StrategyForm(AttendeesMixin, GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date of the strategy discussion", **PAST)
    decision = forms.ChoiceField(
        label="Decision", choices=StrategyDecision.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.pop("case", None)
        super().__init__(*args, **kwargs)
        for name, field in _attendee_fields("attended_").items():
            self.fields[name] = field


class EnquiryStartForm(GovukFormMixin, forms.Form):
    started_on = GovukDateField(label="Date the section 47 enquiry started", **PAST)


class EnquiryCompleteForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome", choices=EnquiryOutcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(label="Reasons", widget=forms.Textarea({"rows": 3}))
    completed_on = GovukDateField(label="Date the enquiry ended", **PAST)


class ConferenceForm(AttendeesMixin, GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date of the conference", **PAST)
    family_views = forms.CharField(
        label="The family's views", required=False, widget=forms.Textarea({"rows": 3})
    )
    child_views = forms.CharField(
        label="The child's views", required=False, widget=forms.Textarea({"rows": 3})
    )
    decision = forms.ChoiceField(label="Decision", choices=[], widget=forms.RadioSelect)
    category = forms.ChoiceField(
        label="Category of abuse",
        choices=[("", "None"), *AbuseCategory.choices],
        required=False,
        help_text="Needed for a child protection plan",
    )
    late_reason = forms.CharField(
        label="If it was held outside its timescale, why",
        required=False,
        widget=forms.Textarea({"rows": 2}),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any):
        kwargs.pop("case", None)
        super().__init__(*args, **kwargs)
        initial = kind == Conference.Kind.INITIAL
        wanted = ("plan", "no_plan") if initial else ("continue", "end")
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            c for c in Conference.Decision.choices if c[0] in wanted
        ]
        for name, field in _attendee_fields("attended_").items():
            self.fields[name] = field
        for code, label in Agency.choices:
            self.fields[f"report_{code}"] = forms.CharField(
                label=f"Report from {label.lower()}",
                required=False,
                widget=forms.Textarea({"rows": 2}),
            )

    def reports(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"report_{code}") or "" for code, _ in Agency.choices}


class ActionForm(GovukFormMixin, forms.Form):
    text = forms.CharField(label="What will be done", widget=forms.Textarea({"rows": 2}))
    owner = forms.ModelChoiceField(
        label="Who owns it", queryset=TeamMember.objects.none(), empty_label="Choose a member"
    )
    due_on = GovukDateField(label="Due by")

    def __init__(self, *args: Any, case: ProtectionCase, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = TeamMember.objects.filter(  # type: ignore[attr-defined]
            episode=case.episode, left_at__isnull=True, practitioner__isnull=False
        ).select_related("practitioner__organisation")
        self.fields["owner"].label_from_instance = lambda m: (  # type: ignore[attr-defined]
            f"{m.name}, {m.practitioner.organisation.name}"
        )


class CoreGroupForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date of the core group meeting", **PAST)
    attended = forms.CharField(label="Who came, by agency", widget=forms.Textarea({"rows": 3}))
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea({"rows": 4}))


class StepDownForm(GovukFormMixin, forms.Form):
    to = PractitionerChoice(
        label="Family help lead practitioner",
        queryset=Practitioner.objects.none(),
        empty_label="Choose someone in the team",
    )
    reason = forms.CharField(label="Reason for stepping down", widget=forms.Textarea({"rows": 3}))
    closed_on = GovukDateField(label="Date the child protection work closed", **PAST)
    closure_reason = forms.ChoiceField(
        label="Reason for closure (census)",
        choices=[("", "Choose a reason"), *codes.choices(codes.REASON_FOR_CLOSURE)],
    )

    def __init__(self, *args: Any, case: ProtectionCase, **kwargs: Any):
        super().__init__(*args, **kwargs)
        members = TeamMember.objects.filter(
            episode=case.episode, left_at__isnull=True, practitioner__isnull=False
        ).values("practitioner_id")
        self.fields["to"].queryset = Practitioner.objects.filter(  # type: ignore[attr-defined]
            pk__in=members
        ).select_related("organisation")


class NetworkMemberForm(GovukFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    relationship = forms.CharField(label="Relationship to the child", max_length=200)
    contact = forms.CharField(label="How to contact them", required=False, max_length=300)
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )


def _network(case: ProtectionCase) -> Any:
    return FamilyNetworkMember.objects.filter(case=case)


class FgdmOfferForm(GovukFormMixin, forms.Form):
    offered_on = GovukDateField(label="Date of the offer", **PAST)
    to = forms.ModelMultipleChoiceField(
        label="Offered to",
        queryset=FamilyNetworkMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who the meeting was offered to"},
    )
    in_letter_before_proceedings = forms.BooleanField(
        label="The offer was in the letter before proceedings", required=False
    )

    def __init__(self, *args: Any, case: ProtectionCase, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = _network(case)  # type: ignore[attr-defined]


class FgdmResponseForm(GovukFormMixin, forms.Form):
    answer = forms.ChoiceField(
        label="Their answer",
        choices=[c for c in FgdmResponse.Answer.choices if c[0] != "waiting"],
        widget=forms.RadioSelect,
    )
    answered_on = GovukDateField(label="Date they answered", **PAST)


class FgdmMeetingForm(GovukFormMixin, forms.Form):
    held_on = GovukDateField(label="Date of the meeting", **PAST)
    attended = forms.ModelMultipleChoiceField(
        label="Who came",
        queryset=FamilyNetworkMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    child_participation = forms.ChoiceField(
        label="How the child took part",
        choices=ChildParticipation.choices,
        widget=forms.RadioSelect,
    )
    family_plan = forms.CharField(
        label="The plan the family agreed", widget=forms.Textarea({"rows": 4})
    )

    def __init__(self, *args: Any, case: ProtectionCase, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["attended"].queryset = _network(case)  # type: ignore[attr-defined]


class FgdmExemptionForm(GovukFormMixin, forms.Form):
    reasons = forms.CharField(
        label="Why a meeting would not be in the child's best interests",
        widget=forms.Textarea({"rows": 4}),
    )
    decided_on = GovukDateField(label="Date of the decision", **PAST)


class ProceedingsForm(GovukFormMixin, forms.Form):
    applied_on = GovukDateField(
        label="Date of the application for a care or supervision order", **PAST
    )


class AssessmentStartForm(GovukFormMixin, forms.Form):
    started_on = GovukDateField(label="Date the assessment started", **PAST)
    social_worker = PractitionerChoice(
        label="Social worker carrying out the assessment",
        queryset=Practitioner.objects.none(),
        empty_label="Choose a social worker",
    )
    summary = forms.CharField(
        label="What the assessment is looking at",
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.pop("case", None)
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = selectors.social_workers()  # type: ignore[attr-defined]


class AssessmentAuthoriseForm(GovukFormMixin, forms.Form):
    authorised_on = GovukDateField(label="Date the assessment was authorised", **PAST)
    factors = forms.MultipleChoiceField(
        label="Factors identified at the end of the assessment",
        help_text="The Children in Need census list. Choose 'No factors identified' on its own.",
        choices=codes.choices(codes.ASSESSMENT_FACTORS),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose the factors identified, or 'No factors identified'",
            "invalid_choice": "Choose factors from the census list",
        },
    )
    summary = forms.CharField(
        label="What the assessment found",
        required=False,
        widget=forms.Textarea({"rows": 4}),
    )


class CinPlanStartForm(GovukFormMixin, forms.Form):
    started_on = GovukDateField(label="Date the child in need plan started", **PAST)
    ended_on = GovukDateField(
        label="Date it ended",
        required=False,
        help_text="Leave empty while the plan is in force",
        **PAST,
    )


class CinPlanEndForm(GovukFormMixin, forms.Form):
    ended_on = GovukDateField(label="Date the child in need plan ended", **PAST)


class CensusForm(GovukFormMixin, forms.Form):
    year = forms.IntegerField(
        label="Census year ending 31 March of",
        help_text="For example, 2026 for 1 April 2025 to 31 March 2026",
        min_value=2010,
        max_value=9999,
    )
    la_code = forms.CharField(
        label="Local authority code",
        max_length=3,
        help_text="The council's three-digit DfE code",
    )
