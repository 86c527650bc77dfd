"""The audit trail: an append-only, hash-chained record of every access to people's information."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

from joinedup.partnership.models import Organisation, Practitioner
from joinedup.sharing.lawful import Basis


class ReviewOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlass(models.Model):
    """Emergency access: a practitioner opened a record beyond their rights, giving a reason.

    The grant lasts a limited time; every one waits for the data-protection officer's review.
    """

    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    outcome = models.CharField(
        max_length=20, choices=ReviewOutcome.choices, default=ReviewOutcome.PENDING
    )
    reviewed_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "break-glass access"
        verbose_name_plural = "break-glass accesses"
        indexes = [
            models.Index(
                fields=["practitioner", "person", "expires_at"], name="break_glass_holder_idx"
            ),
            models.Index(fields=["outcome", "opened_at"], name="break_glass_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("opened_at")),
                name="break_glass_expires_after_opening",
            ),
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="break_glass_reason_required"
            ),
        ]

    def __str__(self) -> str:
        return f"Break-glass #{self.pk} by {self.practitioner}"


class ConsentRecordImmutable(Exception):
    """A consent record, once written, is never edited: a change is a new record."""


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise ConsentRecordImmutable("Consent records cannot be changed.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise ConsentRecordImmutable("Consent records cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise ConsentRecordImmutable("Consent records cannot be changed.")


class ConsentEvent(models.TextChoices):
    GIVEN = "given", "Given"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ConsentGiver(models.TextChoices):
    SELF = "self", "The person themselves"
    YOUNG_PERSON = "young_person", "The young person, who has sufficient understanding"
    PARENTAL_RESPONSIBILITY = "parental_responsibility", "Someone with parental responsibility"


class ConsentPurpose(models.TextChoices):
    ASSESSMENT = "assessment", "Assessment"
    PLANNING = "planning", "Planning support"
    REFERRAL = "referral", "Referral to a service"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "In writing (signed)"
    VERBAL = "verbal", "Spoken, recorded by the practitioner"
    ELECTRONIC = "electronic", "Electronically"


class ConsentRecord(models.Model):
    """Consent to share a person's information, after ISO/IEC TS 27560 (consent records).

    Only consent to *share information*. Kept apart, elsewhere: the lawful basis of each share
    (on the access event), the family's agreement to receive a service, consent to medical
    treatment, and whether the family was told of a share (SharingNotice).

    A record is never edited. Withdrawal is a new record (event "withdrawn") that points at the
    record it withdraws.
    """

    record_id = models.UUIDField(unique=True, editable=False)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="consent_records"
    )
    event = models.CharField(max_length=10, choices=ConsentEvent.choices)
    withdraws = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="withdrawal"
    )
    # Who gave (or withdrew) it: the young person, or someone with parental responsibility.
    given_by = models.CharField(max_length=30, choices=ConsentGiver.choices)
    given_by_name = models.CharField(max_length=200)
    given_by_relationship = models.CharField(max_length=100, blank=True)
    effective_on = models.DateField(help_text="The day consent was given, or withdrawn.")
    expires_on = models.DateField(null=True, blank=True)
    # Scope: organisations named, or whole sectors; and purposes.
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    sectors = models.JSONField(default=list, blank=True)
    purposes = models.JSONField(default=list, blank=True)
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    evidence = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_on", "-pk"]
        indexes = [models.Index(fields=["person", "event"], name="consent_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event="given", withdraws__isnull=True)
                | models.Q(event="withdrawn", withdraws__isnull=False),
                name="consent_withdrawal_points_at_a_record",
            ),
            models.CheckConstraint(
                condition=~models.Q(given_by_name=""), name="consent_giver_named"
            ),
        ]

    def __str__(self) -> str:
        return f"Consent {self.event} for {self.person_id} on {self.effective_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ConsentRecordImmutable("Consent records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ConsentRecordImmutable("Consent records cannot be deleted.")


class NoticeKind(models.TextChoices):
    TOLD = "told", "The family was told"
    NOT_TOLD_RISK = "not_told_risk", "Not told, because telling would put someone at risk"


class SharingNotice(models.Model):
    """Whether the family was told of a share. Not consent: a family can be told of a share
    made on another lawful basis, or not told because telling would put someone at risk."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    reason = models.TextField(blank=True, help_text="Why not told: required when not told.")
    recorded_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="not_told_risk", reason=""),
                name="notice_not_told_needs_reason",
            )
        ]


class ShareChoice(models.TextChoices):
    SHARE = "share", "Share"
    NOT_SHARE = "not_share", "Not share"


class SharingDecision(models.Model):
    """A practitioner's decision to share, or not to share, recorded either way.

    What was shared, with whom, for what purpose, on what basis, who decided, when and why.
    Never edited: a changed decision is a new one.
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=ShareChoice.choices)
    what = models.TextField(help_text="What was (or would have been) shared.")
    categories = models.JSONField(default=list, blank=True)
    recipients = models.ManyToManyField(Organisation, blank=True, related_name="+")
    recipient_other = models.CharField(
        max_length=200, blank=True, help_text="A recipient outside the partnership."
    )
    purpose = models.CharField(max_length=20)
    lawful_basis = models.CharField(max_length=30, blank=True)
    statutory_duty = models.CharField(max_length=20, blank=True)
    special_condition = models.CharField(max_length=20, blank=True)
    reasons = models.TextField()
    more_detrimental_reasons = models.TextField(
        blank=True,
        help_text="Not disclosed although the duty to share (Children Act 2004 s16LA) applied: "
        "why disclosure would be more detrimental to the child than not disclosing.",
    )
    family_told = models.CharField(
        max_length=20, blank=True, help_text="Whether the family was told (a SharingNotice)."
    )
    decided_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reasons=""), name="decision_has_reasons"),
            models.CheckConstraint(
                condition=models.Q(choice="not_share") | ~models.Q(lawful_basis=""),
                name="share_names_its_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_choice_display()} decision #{self.pk}"

    @property
    def basis_label(self) -> str:
        if not self.lawful_basis:
            return ""
        return Basis(self.lawful_basis, self.statutory_duty, self.special_condition).label


class AdviceStatus(models.TextChoices):
    ASKED = "asked", "Waiting for advice"
    ANSWERED = "answered", "Answered"


class AdviceRequest(models.Model):
    """A practitioner describes a situation without naming the family and asks for advice.

    Deliberately has no link to any person or family.
    """

    asked_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asked_of_team = models.ForeignKey(
        "partnership.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    asked_of = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    situation = models.TextField()
    question = models.TextField()
    asked_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=AdviceStatus.choices, default="asked")
    advice = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(asked_of_team__isnull=False) | models.Q(asked_of__isnull=False),
                name="advice_has_an_addressee",
            ),
        ]

    def __str__(self) -> str:
        return f"Advice request #{self.pk}"


class AddressPermission(models.Model):
    """Who may see an address marked confidential (a refuge, witness protection).

    Everyone else, in every output, sees "withheld". A permission names an organisation or one
    practitioner; revoking it is recorded, not deleted.
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="address_permissions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    granted_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False)
                | models.Q(practitioner__isnull=False),
                name="address_permission_names_someone",
            ),
        ]


class FamilyWithholding(models.Model):
    """An episode not shared with one person in the family on their own pages (parental
    responsibility alone would open a child's episode to a parent): why, who decided, when.
    Ending it is recorded, never deleted."""

    class Reason(models.TextChoices):
        RISK_OF_HARM = "risk_of_harm", "Sharing would put someone at risk of harm"
        COURT_ORDER = "court_order", "A court order restricts what this parent is told"
        OTHER = "other", "Another reason (say what)"

    episode = models.ForeignKey(
        "episodes.Episode", on_delete=models.CASCADE, related_name="family_withholdings"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    detail = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "person"],
                condition=models.Q(ended_at__isnull=True),
                name="family_withholding_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"{self.episode} not shared with {self.person}"
