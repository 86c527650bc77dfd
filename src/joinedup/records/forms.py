"""GOV.UK-styled forms for subject access, retention and legal holds."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.web.forms import GovukFormMixin


class _ReferenceField(forms.CharField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("label", "Person's reference")
        kwargs.setdefault("help_text", "For example, P-ABCD2345")
        super().__init__(
            max_length=20, error_messages={"required": "Enter the person's reference"}, **kwargs
        )


def _narrow(field: forms.Field) -> None:
    field.widget.attrs.update({"class": "govuk-input govuk-input--width-10", "spellcheck": "false"})


class SubjectAccessForm(GovukFormMixin, forms.Form):
    reference = _ReferenceField()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _narrow(self.fields["reference"])


class LegalHoldForm(GovukFormMixin, forms.Form):
    reference = _ReferenceField()
    reason = forms.CharField(
        label="Why must these records be kept?",
        help_text="For example, a claim, an inquiry or a safeguarding practice review, "
        "with its reference",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter why the records must be kept"},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _narrow(self.fields["reference"])


class LegalHoldLiftForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the hold being lifted?",
        help_text="For example, the claim has been settled",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the hold is being lifted"},
    )


class ErasureForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are these records being erased?",
        help_text="For example, past the retention period in our schedule, reviewed on this date",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why these records are being erased"},
    )
    confirm = forms.BooleanField(
        label="I understand that erasure cannot be undone",
        error_messages={"required": "Confirm that you understand erasure cannot be undone"},
    )
