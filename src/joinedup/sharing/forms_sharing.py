"""Forms for sharing decisions, confidential addresses and anonymous advice."""

from __future__ import annotations

from typing import Any

from django import forms

from joinedup.partnership.models import Organisation, Practitioner, Team
from joinedup.sharing.lawful import (
    DataCategory,
    LawfulBasis,
    SharePurpose,
    SpecialCondition,
    StatutoryDuty,
)
from joinedup.sharing.models import NoticeKind, ShareChoice
from joinedup.web.forms import GovukFormMixin

# Public task first: for safeguarding, consent is rarely the right basis, and the form should not
# lead a practitioner to it.
BASIS_ORDER = [
    LawfulBasis.PUBLIC_TASK,
    LawfulBasis.LEGAL_OBLIGATION,
    LawfulBasis.VITAL_INTERESTS,
    LawfulBasis.LEGITIMATE_INTERESTS,
    LawfulBasis.CONSENT,
]


class SharingDecisionForm(GovukFormMixin, forms.Form):
    choice = forms.ChoiceField(
        label="What did you decide?",
        choices=ShareChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you decided to share or not to share"},
    )
    what = forms.CharField(
        label="What information is this decision about?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what information this decision is about"},
    )
    categories = forms.MultipleChoiceField(
        label="Kinds of information",
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the kinds of information"},
    )
    recipients = forms.ModelMultipleChoiceField(
        label="Who is it for?",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipient_other = forms.CharField(
        label="Or someone outside the partnership",
        required=False,
        max_length=200,
        help_text="For example, a GP practice in another area",
    )
    purpose = forms.ChoiceField(
        label="What is it for?",
        choices=SharePurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the purpose"},
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis (if sharing)",
        choices=[("", "Not sharing")] + [(b.value, b.label) for b in BASIS_ORDER],
        required=False,
        help_text=(
            "For safeguarding, public task under a statutory duty is usually right. Consent is "
            "only right if the person has a real choice and refusing would not stop you sharing."
        ),
    )
    statutory_duty = forms.ChoiceField(
        label="Statutory duty (for public task)",
        choices=[("", "None"), *StatutoryDuty.choices],
        required=False,
    )
    special_condition = forms.ChoiceField(
        label="Condition for health information (special category data)",
        choices=[("", "None"), *SpecialCondition.choices],
        required=False,
    )
    reasons = forms.CharField(
        label="Your reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Record them either way: why sharing was necessary and proportionate, or why not",
        error_messages={"required": "Give the reasons for the decision"},
    )
    more_detrimental_reasons = forms.CharField(
        label="Not disclosing under the duty to share: why would disclosure be more detrimental "
        "to the child?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when the duty to share (Children Act 2004 s16LA) applies and you decided "
        "not to disclose. The data protection officer sees these decisions.",
    )
    family_told = forms.ChoiceField(
        label="Was the family told?",
        choices=[("", "Not yet"), *NoticeKind.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text="Being told is not the same as consenting.",
    )
    not_told_reason = forms.CharField(
        label="Why would telling them put someone at risk?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AddressConfidentialForm(GovukFormMixin, forms.Form):
    confidential = forms.TypedChoiceField(
        label="Is this address confidential?",
        choices=[("yes", "Yes: a refuge, witness protection or similar"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the address is confidential"},
    )
    allow = forms.ModelMultipleChoiceField(
        label="Other organisations that may see it",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Your own organisation can always see it. Everyone else sees “Withheld”.",
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the address is (or is no longer) confidential"},
    )


class AdviceForm(GovukFormMixin, forms.Form):
    team = forms.ModelChoiceField(
        label="Ask a team",
        queryset=Team.objects.filter(is_front_door=True).select_related("organisation"),
        required=False,
        empty_label="Choose a team",
        help_text="For example, the front door",
    )
    colleague = forms.ModelChoiceField(
        label="Or ask a colleague (email address)",
        queryset=Practitioner.objects.filter(is_active=True, organisation__isnull=False),
        required=False,
        to_field_name="email",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={"invalid_choice": "No practitioner has that email address"},
    )
    situation = forms.CharField(
        label="Describe the situation",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Do not name the child or family, or give details that would identify them "
            "(addresses, schools, dates of birth)."
        ),
        error_messages={"required": "Describe the situation, without names"},
    )
    question = forms.CharField(
        label="What would you like advice on?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what you would like advice on"},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["team"].label_from_instance = lambda t: f"{t.name} ({t.organisation.name})"  # type: ignore[attr-defined]


class AdviceAnswerForm(GovukFormMixin, forms.Form):
    advice = forms.CharField(
        label="Your advice",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write your advice"},
    )
