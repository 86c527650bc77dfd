"""The form to add a significant event to a person's chronology (GOV.UK styled)."""

from __future__ import annotations

from django import forms

from joinedup.chronology.models import ChronologyKind
from joinedup.web.forms import GovukDateField, GovukFormMixin


class ChronologyEntryForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="What happened", choices=ChronologyKind.choices, widget=forms.RadioSelect
    )
    occurred_on = GovukDateField(
        label="Date it happened", future_allowed=False, help_text="For example, 27 3 2026"
    )
    text = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened, who told you, and what you did. Facts, not opinions.",
    )
