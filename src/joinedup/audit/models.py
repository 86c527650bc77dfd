"""The audit trail: every read of a person's record, every write and every export,
hash-chained so that tampering shows."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

from joinedup.partnership.models import Organisation, Practitioner


class AuditTrailImmutable(Exception):
    """The audit trail is append-only: events are never changed or removed."""


class Action(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    BREAK_GLASS = "break_glass", "Break-glass"
    REFUSED = "refused", "Refused"


class AccessEventQuerySet(models.QuerySet["AccessEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditTrailImmutable("Access events cannot be changed.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AuditTrailImmutable("Access events cannot be deleted.")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AuditTrailImmutable("Access events cannot be changed.")


class AccessEvent(models.Model):
    seq = models.BigIntegerField(unique=True, help_text="Position in the hash chain.")
    occurred_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    person_ids = models.JSONField(default=list)
    purpose = models.CharField(max_length=60, blank=True)
    lawful_basis = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["actor", "occurred_at"], name="access_actor_idx"),
            models.Index(fields=["organisation", "occurred_at"], name="access_org_idx"),
            models.Index(fields=["object_type", "object_id"], name="access_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditTrailImmutable("Access events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditTrailImmutable("Access events cannot be deleted.")


class AccessEventPerson(models.Model):
    """Index of the persons an event concerns, for "who has seen this person's record"."""

    event = models.ForeignKey(AccessEvent, on_delete=models.PROTECT, related_name="persons")
    # A plain id, not a foreign key: the trail outlives an erased person.
    person_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person_id"], name="event_person_unique")
        ]


class ChainHead(models.Model):
    """The newest link of the chain; writers lock this one row just long enough to append."""

    seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
