"""Assessment forms, one a step: a domain's factors, the family's views, the analysis."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.assessments.models import SCALE_MAX, SCALE_MIN, Assessment
from joinedup.web.forms import WIDGET_CLASSES, GovukFormMixin

CARER_SLOTS = 2  # blank slots offered beyond the carers already recorded


def _text(label: str, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class VersionedForm(GovukFormMixin, forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def style_added_fields(self) -> None:
        """GovukFormMixin styles the fields declared on the class; these are added per step."""
        for field in self.fields.values():
            css = WIDGET_CLASSES.get(type(field.widget))
            if css and "class" not in field.widget.attrs:
                field.widget.attrs["class"] = css


class DomainForm(VersionedForm):
    """Strengths, needs and an optional 0 to 10 scale for every factor of one domain."""

    def __init__(self, *args: Any, domain: dict[str, Any], assessment: Assessment, **kwargs: Any):
        initial: dict[str, Any] = {"expected_version": assessment.version}
        for factor in domain["factors"]:
            saved = assessment.factors.get(factor["code"]) or {}
            for part in ("strengths", "needs", "scale"):
                initial[f"{factor['code']}_{part}"] = saved.get(part)
        super().__init__(*args, initial=initial, **kwargs)
        self.factors: list[tuple[dict[str, Any], list[forms.BoundField]]] = []
        for factor in domain["factors"]:
            code = factor["code"]
            self.fields[f"{code}_strengths"] = _text("Strengths")
            self.fields[f"{code}_needs"] = _text("Needs")
            self.fields[f"{code}_scale"] = forms.IntegerField(
                label=f"Scale from {SCALE_MIN} to {SCALE_MAX} (optional)",
                help_text=f"{SCALE_MIN} is the most worried, {SCALE_MAX} no worries at all",
                required=False,
                min_value=SCALE_MIN,
                max_value=SCALE_MAX,
                error_messages={
                    "invalid": f"The scale must be a whole number from {SCALE_MIN} to {SCALE_MAX}",
                    "min_value": f"The scale must be {SCALE_MIN} or more",
                    "max_value": f"The scale must be {SCALE_MAX} or less",
                },
                widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-2"}),
            )
        self.style_added_fields()
        for factor in domain["factors"]:
            names = [f"{factor['code']}_{p}" for p in ("strengths", "needs", "scale")]
            self.factors.append((factor, [self[n] for n in names]))

    def factor_values(self) -> dict[str, dict[str, Any]]:
        return {
            factor["code"]: {
                p: self.cleaned_data.get(f"{factor['code']}_{p}")
                for p in ("strengths", "needs", "scale")
            }
            for factor, _ in self.factors
        }


class ViewsForm(VersionedForm):
    child_words = _text(
        "The child's own words",
        rows=5,
        help_text="What they said, drew or showed, as they put it. If they could not be heard, "
        "say why.",
    )

    def __init__(self, *args: Any, assessment: Assessment, **kwargs: Any):
        initial: dict[str, Any] = {
            "expected_version": assessment.version,
            "child_words": assessment.child_words,
        }
        saved = list(assessment.carers_words)
        for n, item in enumerate(saved, start=1):
            initial[f"carer_{n}_who"], initial[f"carer_{n}_words"] = item["who"], item["words"]
        super().__init__(*args, initial=initial, **kwargs)
        self.carers: list[tuple[int, list[forms.BoundField]]] = []
        for n in range(1, len(saved) + CARER_SLOTS + 1):
            self.fields[f"carer_{n}_who"] = forms.CharField(
                label="Who", required=False, max_length=200, help_text="For example, Mum or Gran"
            )
            self.fields[f"carer_{n}_words"] = _text("Their words", rows=4)
        self.style_added_fields()
        for n in range(1, len(saved) + CARER_SLOTS + 1):
            self.carers.append((n, [self[f"carer_{n}_who"], self[f"carer_{n}_words"]]))

    def carers_words(self) -> list[dict[str, str]]:
        return [
            {
                "who": self.cleaned_data.get(f"carer_{n}_who") or "",
                "words": self.cleaned_data.get(f"carer_{n}_words") or "",
            }
            for n, _ in self.carers
        ]


class AnalysisForm(VersionedForm):
    analysis = _text(
        "The practitioners' analysis",
        rows=10,
        help_text="What the strengths and needs mean together for the child: what is working, "
        "what worries you, and what needs to change.",
    )


class CompleteForm(VersionedForm):
    pass


class ShareForm(VersionedForm):
    shared_how = _text(
        "How it was shared with the family",
        rows=3,
        help_text="For example, 'went through it with Mum and Dad at home on Tuesday'.",
    )
