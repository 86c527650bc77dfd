"""GOV.UK-styled forms of the directory: finding a service, referring, and answering."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from joinedup.directory.models import ReferralStatus, Service, SharedItem, Urgency
from joinedup.directory.services import LINK_ACTIONS, SERVICE_FIELDS
from joinedup.web.forms import GovukFormMixin


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class ServiceSearchForm(GovukFormMixin, forms.Form):
    text = forms.CharField(label="Name or words", required=False, max_length=100)
    need = forms.TypedChoiceField(
        label="Need", required=False, coerce=int, empty_value=None, choices=()
    )
    term = forms.TypedChoiceField(
        label="Kind of service", required=False, coerce=int, empty_value=None, choices=()
    )
    age = forms.IntegerField(
        label="Age of the child",
        required=False,
        min_value=0,
        max_value=25,
        help_text="In years",
    )
    district = forms.CharField(
        label="Locality or postcode district",
        required=False,
        max_length=60,
        help_text="For example, NE1 or Riverside",
    )
    free_only = forms.BooleanField(label="Free of charge only", required=False)
    open_now = forms.BooleanField(label="Open now", required=False)
    takes_referrals = forms.BooleanField(label="Takes referrals through joinedup", required=False)
    episode = forms.IntegerField(required=False, widget=forms.HiddenInput)
    from_request = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, needs: list[Any], terms: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "need", [("", "Any need"), *((c.pk, c.name) for c in needs)])
        _choices(self, "term", [("", "Any kind"), *((t.pk, t.name) for t in terms)])
        self.fields["age"].widget.attrs["class"] = "govuk-input govuk-input--width-3"
        self.fields["district"].widget.attrs["class"] = "govuk-input govuk-input--width-10"


class ReferralForm(GovukFormMixin, forms.Form):
    person = forms.TypedChoiceField(label="Who is the referral for?", coerce=int, choices=())
    asked = forms.CharField(
        label="What are you asking the service to do?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    urgency = forms.ChoiceField(
        label="How urgent is it?", choices=Urgency.choices, widget=forms.RadioSelect
    )
    shared = forms.MultipleChoiceField(
        label="What has the family agreed the service may be told?",
        choices=SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only these are shown to the service.",
    )
    contact = forms.CharField(
        label="How the service can contact the family",
        required=False,
        max_length=300,
        help_text="Only if the family agreed to share it",
    )
    family_agreed = forms.BooleanField(
        label="The family knows about this referral and agrees to it", required=False
    )

    def __init__(self, *args: Any, persons: list[Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "person", [(p.pk, p.full_name) for p in persons])
        self.fields["person"].widget.attrs["class"] = "govuk-select"


def _status_choices(statuses: list[str]) -> list[tuple[str, str]]:
    labels = {
        "accepted": "Accept the referral",
        "declined": "Decline the referral",
        "not_taken_up": "The family did not take it up",
        "started": "The work has started",
        "completed": "The work is complete",
    }
    return [(s, labels[s]) for s in statuses]


class ReferralUpdateForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(label="What has happened?", choices=(), widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason (if declined or not taken up)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    what_changed = forms.CharField(
        label="What changed for the family (when complete)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, statuses: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "status", _status_choices(statuses))


class LinkForm(ReferralUpdateForm):
    def __init__(self, *args: Any, stage: str, **kwargs: Any):
        super().__init__(*args, statuses=list(LINK_ACTIONS.get(stage, ())), **kwargs)
        del self.fields["expected_version"]
        if stage != ReferralStatus.SENT:
            del self.fields["reason"]
        if stage != ReferralStatus.STARTED:
            del self.fields["what_changed"]


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs: Any):
        super().__init__(assume_scheme="https", **kwargs)


class ServiceForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = Service
        fields = [*SERVICE_FIELDS, "taxonomy_terms"]
        widgets = {"taxonomy_terms": forms.CheckboxSelectMultiple}
        field_classes = {"url": HttpsURLField}


def _every_hours(*, stop: bool) -> list[tuple[str, str]]:
    from joinedup.directory.following import EVERY_HOURS

    choices = [(str(hours), label) for hours, label in EVERY_HOURS]
    return [*choices, ("0", "Stop following it")] if stop else choices


def _hours_or_none(value: str) -> int | None:
    return int(value) or None


class FeedForm(GovukFormMixin, forms.Form):
    """An administrator registers another publisher's Open Referral UK feed to follow."""

    url = forms.CharField(
        label="The feed's web address",
        max_length=500,
        help_text="Its Open Referral UK API, for example https://services.example.org/oruk",
        error_messages={"required": "Enter the feed's web address"},
    )
    publisher = forms.CharField(
        label="Publisher",
        max_length=200,
        help_text="Who publishes it, for example Demo Borough Council",
        error_messages={"required": "Enter the publisher's name"},
    )
    every_hours = forms.TypedChoiceField(
        label="How often to import what changed",
        choices=(),
        coerce=_hours_or_none,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often to import it"},
    )

    def __init__(self, *args: Any, stop: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "every_hours", _every_hours(stop=stop))
        self.fields["url"].widget.attrs["spellcheck"] = "false"


class FeedChangeForm(FeedForm):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, stop=True, **kwargs)
        del self.fields["url"]
