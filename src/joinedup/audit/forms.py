"""Forms of the audit pages."""

from __future__ import annotations

from django import forms

from joinedup.audit.models import Action
from joinedup.partnership.models import Organisation
from joinedup.web.forms import GovukDateField, GovukFormMixin


class AuditSearchForm(GovukFormMixin, forms.Form):
    reference = forms.CharField(label="Person's reference", required=False, max_length=20)
    user = forms.CharField(label="User's email address", required=False, max_length=254)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="Any organisation",
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *Action.choices]
    )
    date_from = GovukDateField(label="From", required=False, help_text="For example, 4 3 2026")
    date_to = GovukDateField(label="To", required=False, help_text="For example, 31 3 2026")
