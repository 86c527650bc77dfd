"""The administrators' form for sharing agreements: bad input names its field."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.partnership.models import SharingAgreement
from joinedup.sharing.lawful import SPECIAL_CATEGORIES, DataCategory, LawfulBasis, SharePurpose
from joinedup.web.forms import GovukFormMixin


class SharingAgreementForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label="Categories of data",
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    purposes = forms.MultipleChoiceField(
        label="Purposes", choices=SharePurpose.choices, widget=forms.CheckboxSelectMultiple
    )
    document = forms.URLField(
        required=False, assume_scheme="https", help_text="Where the signed agreement is kept."
    )

    class Meta:
        model = SharingAgreement
        fields = [
            "name",
            "covers_all_partners",
            "parties",
            "categories",
            "purposes",
            "lawful_basis",
            "statutory_duty",
            "special_condition",
            "starts_on",
            "ends_on",
            "document",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The agreement cannot end before it starts")
        if not data.get("covers_all_partners") and len(data.get("parties") or []) < 2:
            self.add_error("parties", "Choose at least two organisations, or cover all partners")
        if data.get("lawful_basis") == LawfulBasis.PUBLIC_TASK and not data.get("statutory_duty"):
            self.add_error("statutory_duty", "Name the statutory duty this public task rests on")
        if set(data.get("categories") or []) & SPECIAL_CATEGORIES and not data.get(
            "special_condition"
        ):
            self.add_error(
                "special_condition",
                "Health information is special category data: choose its condition",
            )
        return data


class StaffLoadForm(GovukFormMixin, forms.Form):
    """An administrator's staff file (GOV.UK styled through the shared mixin)."""

    file = forms.FileField(
        label="Staff file",
        help_text="CSV or XLSX with the columns organisation, team, name, email, profession, "
        "roles and line manager (and optionally status: 'left')",
        error_messages={"required": "Choose the staff file"},
    )
    deactivate_missing = forms.BooleanField(
        label="This file lists everyone in these organisations: deactivate anyone not in it",
        required=False,
    )
