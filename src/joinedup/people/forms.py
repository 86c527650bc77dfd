"""GOV.UK-styled forms for changing a family: relationships and households."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.people.models import ParentalResponsibilityBasis, PersonKind, RelationshipKind, Sex
from joinedup.web.forms import GovukDateField, GovukFormMixin


class FamilyMemberForm(GovukFormMixin, forms.Form):
    """Someone new in a person's family: who they are, and how they are related."""

    given_name = forms.CharField(label="First name", max_length=100)
    family_name = forms.CharField(label="Last name", max_length=100)
    date_of_birth = GovukDateField(
        label="Date of birth",
        required=False,
        future_allowed=False,
        help_text="For example, 27 3 1990. Leave blank if not known.",
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
    relationship = forms.ChoiceField(
        label="How are they related?",
        choices=RelationshipKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they are related"},
    )
    parental_responsibility = forms.BooleanField(
        label="They have parental responsibility", required=False
    )
    parental_responsibility_basis = forms.ChoiceField(
        label="How they have parental responsibility",
        choices=[("", "Choose"), *ParentalResponsibilityBasis.choices],
        required=False,
        help_text="Only if they have parental responsibility",
    )
    lives_with_since = GovukDateField(
        label="Living in the same household since",
        required=False,
        future_allowed=False,
        help_text="For example, 1 11 2026. Leave blank if they live elsewhere.",
    )

    PERSON_FIELDS = ("given_name", "family_name", "date_of_birth", "kind", "sex", "postcode")

    def __init__(self, *args: Any, anchor_name: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        if anchor_name:
            self.fields["relationship"].label = f"They are {anchor_name}'s"
            self.fields["lives_with_since"].label = f"Living with {anchor_name} since"

    def person_details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.PERSON_FIELDS}

    def relationship_details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["relationship"],
            "parental_responsibility": data["parental_responsibility"],
            "parental_responsibility_basis": data["parental_responsibility_basis"],
            "lives_with_since": data["lives_with_since"],
        }


class RelationshipEndForm(GovukFormMixin, forms.Form):
    ended_on = GovukDateField(
        label="Date the relationship ended",
        future_allowed=False,
        help_text="For example, 1 11 2026",
    )


class MoveInForm(GovukFormMixin, forms.Form):
    moved_in_on = GovukDateField(
        label="Date they moved in", future_allowed=False, help_text="For example, 1 11 2026"
    )


class MoveOutForm(GovukFormMixin, forms.Form):
    moved_out_on = GovukDateField(
        label="Date they moved out", future_allowed=False, help_text="For example, 1 11 2026"
    )
