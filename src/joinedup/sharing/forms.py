"""GOV.UK-styled forms of the sharing app."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.partnership.models import Organisation, Sector
from joinedup.sharing.models import ConsentGiver, ConsentMethod, ConsentPurpose, ReviewOutcome
from joinedup.web.forms import GovukDateField, GovukFormMixin


class EmergencyAccessForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label="Person's reference (if you have it)",
        max_length=20,
        required=False,
        help_text="For example, P-ABCD2345. Or give their full name and date of birth below.",
    )
    name = forms.CharField(
        label="Full name",
        max_length=200,
        required=False,
        help_text="First and last name, as the family gives them",
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        future_allowed=False,
        help_text="For example, 27 3 2015",
    )
    reason = forms.CharField(
        label="Why do you need to open this record now?",
        help_text=(
            "Say what the emergency is. The data-protection officer reads this and reviews "
            "every emergency access."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why you need to open this record now"},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}
        )


class BreakGlassReviewForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="Was this emergency access justified?",
        choices=[
            (ReviewOutcome.JUSTIFIED, "Justified"),
            (ReviewOutcome.NOT_JUSTIFIED, "Not justified"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the access was justified"},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        help_text="Required if it was not justified: say why, and what happens next",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReferenceForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(
        label="Person's reference",
        max_length=20,
        required=False,
        help_text="For example, P-ABCD2345",
    )
    name = forms.CharField(
        label="Or find them by name",
        max_length=100,
        required=False,
        help_text="First name, last name or both",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("reference") and not data.get("name"):
            self.add_error("reference", "Enter the person's reference, or their name")
        return data

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update(
            {"class": "govuk-input govuk-input--width-10", "spellcheck": "false"}
        )


class ConsentForm(GovukFormMixin, forms.Form):
    given_by = forms.ChoiceField(
        label="Who gave consent?",
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who gave consent"},
    )
    given_by_name = forms.CharField(
        label="Name of the person with parental responsibility",
        required=False,
        max_length=200,
        help_text="Only if someone with parental responsibility gave consent",
    )
    given_by_relationship = forms.CharField(
        label="Their relationship to the child", required=False, max_length=100
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Organisations it may be shared with",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label="Or every organisation in these sectors",
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    purposes = forms.MultipleChoiceField(
        label="What it may be shared for",
        choices=ConsentPurpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    method = forms.ChoiceField(
        label="How was consent given?",
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how consent was given"},
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        help_text="For example, where the signed form is kept",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    given_on = GovukDateField(label="Date given", required=False, help_text="For example, 4 3 2026")
    expires_on = GovukDateField(
        label="Expiry date (optional)", required=False, help_text="For example, 4 3 2027"
    )

    def __init__(self, *args: Any, givers: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _givers(self, "given_by", givers, ("given_by_name", "given_by_relationship"))


def _givers(form: forms.Form, field: str, givers: list[str], named: tuple[str, ...]) -> None:
    """Only the people who may consent for this person; an adult consents for themselves, so the
    questions about someone with parental responsibility go."""
    choice = form.fields[field]
    assert isinstance(choice, forms.ChoiceField)
    choice.choices = [(value, ConsentGiver(value).label) for value in givers]
    if givers == [ConsentGiver.SELF]:
        form.initial.setdefault(field, ConsentGiver.SELF)
        for name in named:
            form.fields.pop(name, None)


class ConsentWithdrawForm(GovukFormMixin, forms.Form):
    record = forms.ChoiceField(
        label="Which consent is withdrawn?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a consent that was given"},
    )
    withdrawn_by = forms.ChoiceField(
        label="Who withdrew it?",
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who gave consent"},
    )
    withdrawn_by_name = forms.CharField(
        label="Name of the person with parental responsibility", required=False, max_length=200
    )
    method = forms.ChoiceField(
        label="How was it withdrawn?",
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how consent was withdrawn"},
    )
    note = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    withdrawn_on = GovukDateField(
        label="Date withdrawn", required=False, help_text="For example, 4 3 2026"
    )

    def __init__(
        self, *args: Any, choices: list[tuple[str, str]], givers: list[str], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        _givers(self, "withdrawn_by", givers, ("withdrawn_by_name",))
        self.fields["record"].choices = choices  # type: ignore[attr-defined]
