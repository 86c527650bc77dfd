"""Persons (the one joined-up identity), families, relationships, agencies' own records of a
person (source records) and organisations' current work with a person (involvements)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper

from joinedup.partnership.models import Organisation, Practitioner, Team
from joinedup.people import identifiers


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class PersonKind(models.TextChoices):
    CHILD = "child", "Child or young person"
    ADULT = "adult", "Adult"


class NhsNumberStatus(models.TextChoices):
    """The consistent child identifier (Children Act 2004 s.16LC): the NHS number's standing."""

    VERIFIED = "verified", "Verified (traced)"
    UNVERIFIED = "unverified", "Unverified"
    ABSENT = "absent", "Absent"


class NhsNumberAbsentReason(models.TextChoices):
    """Why a child is recorded without the NHS number: the two grounds the Act allows."""

    UNREASONABLE_DELAY = (
        "unreasonable_delay",
        "Not known, and finding it would cause unreasonable delay",
    )
    DETRIMENTAL = "detrimental", "Including it would be more detrimental to the child"


class Person(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    kind = models.CharField(max_length=10, choices=PersonKind.choices)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(
        max_length=10, blank=True, validators=[identifiers.validate_postcode]
    )
    address_confidential = models.BooleanField(
        default=False, help_text="A refuge or protected address: shown only to those allowed."
    )
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[identifiers.validate_nhs_number]
    )
    upn = models.CharField(
        "unique pupil number", max_length=13, blank=True, validators=[identifiers.validate_upn]
    )
    # Set when the NHS number was traced (checked against the NHS's own records); cleared
    # whenever the number changes. Without a number, the reason it is not recorded.
    nhs_number_verified_at = models.DateTimeField(null=True, blank=True)
    nhs_number_absent_reason = models.CharField(
        "why the NHS number is not recorded",
        max_length=20,
        blank=True,
        choices=NhsNumberAbsentReason.choices,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        help_text="Set when this record was merged into another person (undone by unmerge).",
    )

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(Lower("family_name"), Lower("given_name"), name="person_name_idx"),
            # "My people" lists in this order; a page of a large organisation walks this index.
            models.Index(
                fields=["family_name", "given_name", "id"],
                condition=Q(merged_into__isnull=True),
                name="person_listed_sort_idx",
            ),
            # Name search matches a reference exactly, whatever its case (icontains/iexact are
            # UPPER(...) on PostgreSQL); names by trigram index there (migration 0006).
            models.Index(Upper("reference"), name="person_reference_upper_idx"),
            models.Index(fields=["date_of_birth"], name="person_dob_idx"),
            # The data lead's list of children without a verified NHS number.
            models.Index(
                fields=["family_name", "given_name"],
                condition=Q(kind="child", nhs_number_verified_at__isnull=True),
                name="person_child_nhs_open_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=identifiers.nhs_number_check("nhs_number"), name="person_nhs_valid"
            ),
            models.CheckConstraint(
                condition=Q(nhs_number_verified_at__isnull=True) | ~Q(nhs_number=""),
                name="person_nhs_verified_has_number",
            ),
            models.CheckConstraint(
                condition=Q(nhs_number_absent_reason="") | Q(nhs_number=""),
                name="person_nhs_reason_only_when_absent",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def nhs_number_status(self) -> str:
        if not self.nhs_number:
            return NhsNumberStatus.ABSENT
        if self.nhs_number_verified_at is None:
            return NhsNumberStatus.UNVERIFIED
        return NhsNumberStatus.VERIFIED

    def get_nhs_number_status_display(self) -> str:
        return str(NhsNumberStatus(self.nhs_number_status).label)

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Family(models.Model):
    name = models.CharField(
        max_length=200, help_text="How the family is known, e.g. 'Smith family'."
    )
    members: models.ManyToManyField[Person, FamilyMember] = models.ManyToManyField(
        Person, through="FamilyMember", related_name="families"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "families"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FamilyMember(models.Model):
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="family_memberships")
    lives_in_household = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family", "person"], name="family_member_unique")
        ]


class RelationshipKind(models.TextChoices):
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    CARER = "carer", "Carer"
    GRANDPARENT = "grandparent", "Grandparent"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    PARTNER = "partner", "Partner"
    PARENT_PARTNER = "parent_partner", "Partner of a parent"
    OTHER = "other", "Other relative or household member"


# How the relationship reads from the other person's side ("X is Y's parent" -> "Y is X's child").
INVERSE_LABEL: dict[str, str] = {
    RelationshipKind.PARENT: "Child",
    RelationshipKind.STEP_PARENT: "Step-child",
    RelationshipKind.CARER: "Cared for",
    RelationshipKind.GRANDPARENT: "Grandchild",
    RelationshipKind.SIBLING: "Sibling",
    RelationshipKind.HALF_SIBLING: "Half-sibling",
    RelationshipKind.PARTNER: "Partner",
    RelationshipKind.PARENT_PARTNER: "Child of their partner",
    RelationshipKind.OTHER: "Other relative or household member",
}


class ParentalResponsibilityBasis(models.TextChoices):
    """How someone has parental responsibility (Children Act 1989, ss. 2-4A, 12, 14C, 33)."""

    BIRTH_MOTHER = "birth_mother", "Birth mother"
    MARRIED = "married", "Married to or civil partner of the mother at the birth"
    BIRTH_REGISTRATION = "birth_registration", "Named on the birth certificate"
    AGREEMENT = "agreement", "Parental responsibility agreement"
    COURT_ORDER = "court_order", "Court order (parental responsibility or child arrangements)"
    SPECIAL_GUARDIANSHIP = "special_guardianship", "Special guardianship order"
    ADOPTION = "adoption", "Adoption order"
    CARE_ORDER = "care_order", "Care order (the local authority)"
    OTHER = "other", "Other"


class Relationship(models.Model):
    """`person` is `kind` of `relative`: "Sam is Alex's parent". Current until it has ended;
    an ended relationship is kept (who was whose step-parent matters in a chronology)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_from")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    kind = models.CharField(max_length=20, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(default=False)
    parental_responsibility_basis = models.CharField(
        max_length=30, choices=ParentalResponsibilityBasis.choices, blank=True
    )
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "relative", "kind"],
                condition=Q(ended_on__isnull=True),
                name="relationship_unique_current",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="relationship_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="relationship_not_self"
            ),
        ]


class Household(models.Model):
    """A home: who lives there is kept with dates, so the household over time can be told."""

    family = models.ForeignKey(
        Family, on_delete=models.SET_NULL, null=True, blank=True, related_name="households"
    )
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Household {self.pk}"


class HouseholdMembership(models.Model):
    """`person` lived in `household` from `moved_in_on` until `moved_out_on` (still there while
    empty). A person lives in one household at a time: the services refuse overlaps."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="household_memberships"
    )
    moved_in_on = models.DateField()
    moved_out_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["moved_in_on", "pk"]
        indexes = [models.Index(fields=["person", "moved_in_on"], name="household_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True)
                | Q(moved_out_on__gte=models.F("moved_in_on")),
                name="household_out_after_in",
            ),
        ]

    def is_current(self, day: date) -> bool:
        return self.moved_in_on <= day and (self.moved_out_on is None or self.moved_out_on > day)


class MatchStatus(models.TextChoices):
    AUTOMATIC = "automatic", "Linked automatically"
    CONFIRMED = "confirmed", "Confirmed by a person"
    REJECTED = "rejected", "Rejected"
    REVIEW = "review", "Awaiting review"


class SourceRecord(models.Model):
    """One agency's own record of a person, as the agency holds it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="source_records"
    )
    agency_record_id = models.CharField(max_length=100)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="source_records"
    )
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[identifiers.validate_nhs_number]
    )
    upn = models.CharField("unique pupil number", max_length=13, blank=True)
    match_status = models.CharField(
        max_length=10, choices=MatchStatus.choices, default=MatchStatus.REVIEW
    )
    match_probability = models.FloatField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name", "agency_record_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "agency_record_id"], name="source_record_agency_id_unique"
            ),
            models.CheckConstraint(
                condition=identifiers.nhs_number_check("nhs_number"),
                name="source_record_nhs_valid",
            ),
            models.CheckConstraint(
                condition=Q(match_probability__isnull=True)
                | Q(match_probability__gte=0, match_probability__lte=1),
                name="source_record_probability_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.code}:{self.agency_record_id}"


class InvolvementKind(models.TextChoices):
    UNIVERSAL = "universal", "Universal service"
    TARGETED = "targeted", "Targeted support"
    SPECIALIST = "specialist", "Specialist service"
    STATUTORY = "statutory", "Statutory involvement"


class SensitiveCategory(models.TextChoices):
    SEXUAL_HEALTH = "sexual_health", "Sexual health"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    CRIMINAL_JUSTICE = "criminal_justice", "Criminal justice"
    IMMIGRATION = "immigration", "Immigration status"


# Involvement with these services is itself sensitive: others learn of it only with the
# person's explicit consent or on a safeguarding basis.
HIDDEN_SERVICE_CATEGORIES = {
    SensitiveCategory.SEXUAL_HEALTH,
    SensitiveCategory.MENTAL_HEALTH,
    SensitiveCategory.SUBSTANCE_USE,
}


class Involvement(models.Model):
    """An organisation's work with a person; current while it has started and not ended."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="involvements"
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="involvements"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="involvements")
    kind = models.CharField(max_length=20, choices=InvolvementKind.choices)
    service = models.CharField(max_length=200, help_text="What the organisation is doing.")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    contact = models.ForeignKey(
        Practitioner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    child_protection_plan = models.BooleanField(default=False)
    child_looked_after = models.BooleanField(default=False)
    ehc_plan = models.BooleanField("education, health and care plan", default=False)
    youth_justice_order = models.BooleanField(default=False)
    sensitive_category = models.CharField(
        max_length=20,
        choices=SensitiveCategory.choices,
        blank=True,
        help_text="Set for sensitive services; the policy decides who may know of them.",
    )

    class Meta:
        ordering = ["-started_on"]
        indexes = [
            # "Which persons may my organisation see": its current involvements, read from the
            # index alone. Open-ended ones from a partial index; those with an end date from
            # (organisation, end date), so ended involvements are never read.
            models.Index(
                fields=["organisation", "person", "started_on"],
                condition=Q(ended_on__isnull=True),
                name="involvement_org_open_idx",
            ),
            models.Index(
                fields=["organisation", "ended_on", "person", "started_on"],
                name="involvement_org_ended_idx",
            ),
            models.Index(fields=["person", "ended_on"], name="involvement_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="involvement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} with {self.person}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "withheld", None):
            raise ValueError("A redacted involvement (details withheld) cannot be saved.")
        super().save(*args, **kwargs)

    def is_current(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    @property
    def flags(self) -> list[str]:
        names = {
            "child_protection_plan": "Child protection plan",
            "child_looked_after": "Child looked after",
            "ehc_plan": "EHC plan",
            "youth_justice_order": "Youth justice order",
        }
        return [label for field, label in names.items() if getattr(self, field)]
