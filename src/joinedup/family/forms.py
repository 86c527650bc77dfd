"""Forms of the family's own pages (plain words) and the team's invitation (GOV.UK styled)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from joinedup.episodes.models import ClosureFeedback
from joinedup.people.models import Person
from joinedup.sharing.models import FamilyWithholding
from joinedup.web.forms import GovukFormMixin


def _person_label(person: Person) -> str:
    return f"{person.full_name} ({person.get_kind_display().lower()})"


class InviteForm(GovukFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        label="Who to invite",
        queryset=Person.objects.none(),
        empty_label="Choose a family member",
        error_messages={"required": "Choose who to invite"},
        help_text="A parent or carer taking part, or a young person aged 12 or over",
    )
    email = forms.CharField(
        label="Their email address",
        max_length=254,
        error_messages={"required": "Enter their email address"},
        help_text="They will sign in with it. We send the invitation link to it.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
        field.widget.attrs["class"] = "govuk-select"
        field.label_from_instance = _person_label  # type: ignore[method-assign,assignment]
        # Bad input is named by the service (a person not in the episode), not by the choice list.
        field.error_messages["invalid_choice"] = (
            "Choose a parent or carer taking part in this episode, or a young person aged 12 or "
            "over."
        )


def _min_password_length() -> int:
    validators: list[dict[str, Any]] = list(settings.AUTH_PASSWORD_VALIDATORS)  # type: ignore[arg-type]
    for validator in validators:
        if validator["NAME"].endswith("MinimumLengthValidator"):
            return int(validator.get("OPTIONS", {}).get("min_length", 8))
    return 8


class ActivateForm(GovukFormMixin, forms.Form):
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        error_messages={"required": "Enter a password"},
        help_text="Do not use your name or a common word.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    password_again = forms.CharField(
        label="Type the password again",
        strip=False,
        error_messages={"required": "Type the password again"},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields[
            "password"
        ].help_text = (
            f"At least {_min_password_length()} characters. Do not use your name or a common word."
        )


class CommentForm(GovukFormMixin, forms.Form):
    text = forms.CharField(
        label="What do you want to say about your plan?",
        required=False,  # the service names the missing text, the same for pages and API
        help_text="Your team will read this before the next meeting.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


PROGRESS_CHOICES = [("done", "It is done"), ("going", "I am still working on it")]


class ProgressForm(GovukFormMixin, forms.Form):
    how = forms.ChoiceField(
        label="How is it going?",
        choices=PROGRESS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Say if it is done or you are still working on it"},
    )
    text = forms.CharField(
        label="Tell your team more",
        required=False,
        help_text="You must fill this in if it is not done yet.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class WithdrawForm(GovukFormMixin, forms.Form):
    note = forms.CharField(
        label="Anything you want to tell us (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedbackForm(GovukFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label="How much did the help make a difference?",
        choices=[(k, v) for k, v in ClosureFeedback.RATINGS.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much the help made a difference"},
    )
    what_helped = forms.CharField(
        label="What helped? (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    could_be_better = forms.CharField(
        label="What could have been better? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithholdForm(GovukFormMixin, forms.Form):
    reason = forms.ChoiceField(
        label="Why is this episode not shared with them?",
        choices=FamilyWithholding.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say why it is not shared with them"},
    )
    detail = forms.CharField(
        label="More detail (only the team sees this)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the court order's date, or what the risk is",
    )
