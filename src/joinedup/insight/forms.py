"""Partnership-health forms, GOV.UK styled through GovukFormMixin."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.insight import surveys
from joinedup.insight.models import SurveyInstrument
from joinedup.insight.services import DONT_KNOW
from joinedup.partnership.models import Organisation
from joinedup.web.forms import GovukDateField, GovukFormMixin


class RoundForm(GovukFormMixin, forms.Form):
    instrument = forms.ModelChoiceField(
        label="Survey",
        queryset=SurveyInstrument.objects.none(),
        help_text="Each version keeps its own wording, so results always say what was asked",
    )
    name = forms.CharField(
        label="Name of the round", max_length=200, help_text="For example, 'Spring 2026'"
    )
    opens_on = GovukDateField(label="Opens on", help_text="For example, 1 4 2026")
    closes_on = GovukDateField(label="Closes on", help_text="For example, 30 4 2026")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["instrument"]
        field.queryset = SurveyInstrument.objects.all()  # type: ignore[attr-defined]
        field.widget.attrs["class"] = "govuk-select"


class InstrumentForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Instrument file",
        help_text="A TOML file in joinedup's instrument format (see the guidance below)",
    )
    licence_confirmed = forms.BooleanField(
        label="Our partnership holds a licence to use this instrument's wording",
        required=False,
    )


class PromptDiscussedForm(GovukFormMixin, forms.Form):
    action_agreed = forms.CharField(
        label="What was agreed",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The action the partnership agreed, who will take it, or why no action is needed",
    )
    discussed_on = GovukDateField(
        label="Date of the discussion",
        required=False,
        future_allowed=False,
        help_text="Leave blank for today. For example, 12 3 2026",
    )


class AnswerForm(GovukFormMixin, forms.Form):
    """One GOV.UK radios group per item, with "Don't know" last (scored as not answered)."""

    def __init__(
        self,
        *args: Any,
        instrument: surveys.Instrument,
        partners: list[tuple[Organisation, bool]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        if instrument.kind == "relational":
            choices = [("", "Choose an organisation")] + [
                (str(org.pk), f"{org.name} (already rated)" if done else org.name)
                for org, done in partners or []
            ]
            self.fields["partner"] = forms.ChoiceField(
                label="The partner organisation you are rating", choices=choices
            )
            self.fields["partner"].widget.attrs["class"] = "govuk-select"
        for number, item in enumerate(instrument.items, start=1):
            scale = instrument.scales[item.scale]
            choices = [(str(p.value), p.label) for p in scale.points] + [(DONT_KNOW, "Don't know")]
            self.fields[item.id] = forms.ChoiceField(
                label=f"{number}. {item.text}",
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )

    def answers(self) -> dict[str, Any]:
        return {item.id: self.cleaned_data.get(item.id) or None for item in self.instrument.items}

    def themed_fields(self) -> list[tuple[str, list[Any]]]:
        """The item fields grouped under their themes' titles, in the instrument's order."""
        titles = {t.id: t.title for t in self.instrument.themes}
        groups: list[tuple[str, list[Any]]] = []
        for item in self.instrument.items:
            title = titles.get(item.theme or "", "")
            if not groups or groups[-1][0] != title:
                groups.append((title, []))
            groups[-1][1].append(self[item.id])
        return groups
