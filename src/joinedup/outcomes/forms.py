"""GOV.UK-styled forms of the outcomes pages. The services check every value again."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.outcomes.models import SCORE_MAX, SCORE_MIN, Voice
from joinedup.outcomes.services import NOTE_MAX, Score
from joinedup.web.forms import GovukDateField, GovukFormMixin

SCORE_CHOICES = [("", "Not scored this time")] + [
    (str(n), str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)
]
# The picture scale: five faces, each standing for a score on the same 0-10 scale.
PICTURES = [
    (0, "Very bad", "very-sad"),
    (3, "Bad", "sad"),
    (5, "OK", "neutral"),
    (7, "Good", "happy"),
    (10, "Very good", "very-happy"),
]


class RecordForm(GovukFormMixin, forms.Form):
    """The team's scores for every outcome at once: at a review, or between meetings."""

    measured_on = GovukDateField(
        label="Date of the scores", future_allowed=False, help_text="For example, 27 3 2026"
    )
    voice = forms.ChoiceField(
        label="Whose view is this?",
        choices=[
            (Voice.PRACTITIONER, "The team's view"),
            (Voice.FAMILY, "A family member's own view, as they gave it to the team"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whose view this is"},
    )
    person = forms.TypedChoiceField(
        label="Family member (for a family member's view)", required=False, coerce=int
    )
    meeting = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, outcomes: list[Any], people: list[tuple[int, str]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        person = self.fields["person"]
        assert isinstance(person, forms.TypedChoiceField)
        person.choices = [("", "Choose a family member"), *people]
        person.widget.attrs["class"] = "govuk-select"
        for outcome in outcomes:
            self.fields[f"score_{outcome.pk}"] = forms.ChoiceField(
                label=f"Score for: {outcome.text}",
                choices=SCORE_CHOICES,
                required=False,
                help_text=f"{SCORE_MIN} is as bad as it could be, {SCORE_MAX} is as good",
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
            self.fields[f"note_{outcome.pk}"] = forms.CharField(
                label=f"Note for: {outcome.text} (optional)",
                required=False,
                max_length=NOTE_MAX,
                widget=forms.TextInput(attrs={"class": "govuk-input"}),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.outcomes and not self.scores():
            first = f"score_{self.outcomes[0].pk}"
            self.add_error(first, "Give a score for at least one outcome")
        if data.get("voice") == Voice.FAMILY and not data.get("person"):
            self.add_error("person", "Choose the family member whose view this is")
        return data

    def scores(self) -> list[Score]:
        return [
            Score(o.pk, self.cleaned_data[f"score_{o.pk}"], self.cleaned_data[f"note_{o.pk}"])
            for o in self.outcomes
            if self.cleaned_data.get(f"score_{o.pk}") not in (None, "")
        ]


class NeedForm(GovukFormMixin, forms.Form):
    headline = forms.TypedChoiceField(
        label="Headline outcome",
        coerce=int,
        error_messages={"required": "Choose a headline outcome"},
        help_text="The Supporting Families headline outcome this need comes under",
    )
    outcomes = forms.TypedMultipleChoiceField(
        label="Which outcomes in the plan answer this need?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assessment = forms.TypedChoiceField(
        label="Identified in the assessment", coerce=int, required=False
    )
    identified_on = GovukDateField(
        label="Date identified", future_allowed=False, help_text="For example, 27 3 2026"
    )
    note = forms.CharField(
        label="What the need is (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        headlines: list[tuple[int, str]],
        outcomes: list[tuple[int, str]],
        assessments: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        for name, choices, empty in (
            ("headline", headlines, "Choose a headline outcome"),
            ("assessment", assessments, "Not from an assessment"),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = [("", empty), *choices]
            field.widget.attrs["class"] = "govuk-select"
        many = self.fields["outcomes"]
        assert isinstance(many, forms.TypedMultipleChoiceField)
        many.choices = outcomes


class FamilyScoreForm(GovukFormMixin, forms.Form):
    """A family member's own view of one outcome, in plain words."""

    score = forms.ChoiceField(
        label="How are things now?",
        choices=[
            (
                str(n),
                f"{n}{' – as bad as it could be' if n == 0 else ''}"
                f"{' – as good as it could be' if n == SCORE_MAX else ''}",
            )
            for n in range(SCORE_MIN, SCORE_MAX + 1)
        ],
        widget=forms.RadioSelect(attrs={"small": True}),
        error_messages={"required": "Choose a number from 0 to 10"},
        help_text="0 is as bad as it could be, 10 is as good as it could be",
    )
    note = forms.CharField(
        label="Anything you want to say about it (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Keep it under {NOTE_MAX} characters"},
    )


class PictureScoreForm(GovukFormMixin, forms.Form):
    """The picture scale: a child chooses a face."""

    score = forms.ChoiceField(
        label="How are things now?",
        choices=[(str(score), words) for score, words, _ in PICTURES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a face"},
    )
    note = forms.CharField(
        label="Anything you want to say (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": f"Keep it under {NOTE_MAX} characters"},
    )
