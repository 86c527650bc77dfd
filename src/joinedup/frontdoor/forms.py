from __future__ import annotations

from typing import Any, cast

from django import forms

from joinedup.frontdoor.models import FamilyAgreement, Outcome, Rating
from joinedup.outcomes.models import OutcomeCategory
from joinedup.outcomes.selectors import default_categories
from joinedup.partnership.models import Practitioner
from joinedup.people.models import PersonKind, Sex
from joinedup.web.forms import GovukDateField, GovukFormMixin

YES_NO = [("yes", "Yes"), ("no", "No")]


class ImmediateRiskForm(GovukFormMixin, forms.Form):
    immediate_risk = forms.ChoiceField(
        label="Is a child at immediate risk of harm?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether a child is at immediate risk of harm"},
    )


class NewPersonForm(GovukFormMixin, forms.Form):
    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        future_allowed=False,
        help_text="For example, 27 3 2015. Leave blank if not known.",
    )
    kind = forms.ChoiceField(
        label="Child or adult",
        choices=PersonKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this is a child or an adult"},
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, initial=Sex.UNKNOWN)
    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=10,
        help_text="Leave blank if not known. It helps find them if joinedup already knows them.",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)


class RequestDetailsForm(GovukFormMixin, forms.Form):
    concern = forms.CharField(
        label="What are you worried about?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you have seen or been told, and since when",
        error_messages={"required": "Describe what you are worried about"},
    )
    needs = forms.ModelMultipleChoiceField(
        label="Which areas of the child's life does this affect?",
        required=False,
        queryset=OutcomeCategory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    family_wants = forms.CharField(
        label="What does the family want?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In their own words, if you can",
    )
    family_agreement = forms.ChoiceField(
        label="Does the family know about this request, and agree?",
        choices=FamilyAgreement.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the family knows about this request and agrees"},
    )
    not_asked_reason = forms.CharField(
        label="If the family has not been asked, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Be open with the family unless telling them would put someone at risk",
    )
    contact_telephone = forms.CharField(
        label="Your telephone number", required=False, max_length=40
    )
    contact_email = forms.EmailField(label="Your email address", required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["needs"]).queryset = default_categories()


class RatingForm(GovukFormMixin, forms.Form):
    rating = forms.ChoiceField(label="Rating", choices=Rating.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for changing the rating"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "rate")
        super().__init__(*args, **kwargs)


class ReassignForm(GovukFormMixin, forms.Form):
    to = forms.ModelChoiceField(label="Assign to", queryset=Practitioner.objects.none())
    reason = forms.CharField(label="Note (optional)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, colleagues: Any = None, **kwargs: Any):
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["to"]).queryset = colleagues
        self.fields["to"].widget.attrs["class"] = "govuk-select"


class SecondOpinionForm(GovukFormMixin, forms.Form):
    opinion = forms.CharField(
        label="Second opinion",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the second opinion"},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("prefix", "opinion")
        super().__init__(*args, **kwargs)


class DecisionForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision"},
    )
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reasons for the decision"},
    )
    lead_professional = forms.ModelChoiceField(
        label="Lead professional (for early help)",
        required=False,
        queryset=Practitioner.objects.none(),
        help_text="Anyone in the partnership, from any profession",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, leads: Any = None, **kwargs: Any):
        kwargs.setdefault("prefix", "decide")
        super().__init__(*args, **kwargs)
        lead_field = cast(forms.ModelChoiceField, self.fields["lead_professional"])
        lead_field.widget.attrs["data-module"] = "autocomplete"
        lead_field.queryset = leads
        lead_field.label_from_instance = lambda p: (  # type: ignore[method-assign,assignment]
            f"{p.get_full_name()} – {p.get_profession_display()}, {p.organisation}"
        )
        lead_field.widget.attrs["class"] = "govuk-select"


class PeriodForm(GovukFormMixin, forms.Form):
    start = GovukDateField(label="From")
    end = GovukDateField(label="To")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end of the period must be on or after its start")
        return data
