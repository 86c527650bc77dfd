"""The family's own accounts and what the family tells the team on their own pages.

A family account is a user with no organisation, tied to one person. Everything a family member
writes here is kept as their own words, apart from the team's records: the team reads it on the
episode's "What the family has told us" page and is told of it by a notification.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from joinedup.episodes.models import Action, Episode
from joinedup.people.models import Person
from joinedup.sharing.models import ConsentRecord


class FamilyAccount(models.Model):
    """A family member's (or young person's) own sign-in, made by an invitation from the team."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="family_account"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="family_accounts")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_from = models.ForeignKey(
        Episode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The episode whose team sent the latest invitation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    invited_at = models.DateTimeField(help_text="When the latest invitation was sent.")
    # Security: the one-time part of the invitation link. A new invitation, activation and
    # revocation each replace or clear it, so an older link stops working.
    invitation_nonce = models.CharField(max_length=64, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(revoked_at__isnull=True),
                name="family_account_one_live_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"Family account of {self.person}"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        return "active" if self.activated_at is not None else "invited"

    @property
    def status_label(self) -> str:
        return {"revoked": "Stopped", "active": "Active", "invited": "Invited"}[self.status]


class FamilyComment(models.Model):
    """A family member's comment on the plan, in their own words, before the next review."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="family_comments")
    account = models.ForeignKey(FamilyAccount, on_delete=models.PROTECT, related_name="comments")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="family_comment_has_text"),
        ]


class ActionProgress(models.Model):
    """A family member's report on an action they own: how it is going, or that it is done.

    The action's status belongs to the team's plan (casework); the lead professional is told and
    updates it there. This is the family's own account of it.
    """

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="family_progress")
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(FamilyAccount, on_delete=models.PROTECT, related_name="progress")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    done = models.BooleanField(default=False)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "action progress"
        constraints = [
            models.CheckConstraint(
                condition=Q(done=True) | ~Q(text=""), name="action_progress_says_something"
            ),
        ]


class ConsentWithdrawalRequest(models.Model):
    """A family member asks, online, to withdraw a consent. A practitioner records the
    withdrawal itself (sharing.services.consent_withdraw), after talking it through."""

    account = models.ForeignKey(
        FamilyAccount, on_delete=models.PROTECT, related_name="withdrawal_requests"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    consent_record = models.ForeignKey(ConsentRecord, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "consent_record"], name="withdrawal_request_once"
            ),
        ]
