from __future__ import annotations

from django import forms

from joinedup.integrations.models import Event, Scope
from joinedup.partnership.models import Organisation
from joinedup.web.forms import GovukFormMixin


class ApiClientForm(GovukFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.all(), empty_label="Choose one"
    )
    name = forms.CharField(
        label="Name of the system", max_length=100, help_text="For example, Case system"
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=[(s.value, f"{s.value}: {s.label}") for s in Scope],
        widget=forms.CheckboxSelectMultiple,
    )


class SubscriptionForm(GovukFormMixin, forms.Form):
    url = forms.CharField(
        label="Endpoint address",
        max_length=500,
        help_text="The full https address that receives the events",
    )
    events = forms.MultipleChoiceField(
        label="Events",
        choices=[(e.value, e.label) for e in Event],
        widget=forms.CheckboxSelectMultiple,
    )


class SingleSignOnForm(GovukFormMixin, forms.Form):
    email = forms.EmailField(label="Work email address", max_length=254)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
