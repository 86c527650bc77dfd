"""The team around the family: members, one lead professional, the plan and its actions,
meetings and reviews, decisions and disagreements, critical incidents, and closure."""

from __future__ import annotations

from functools import cached_property

from django.db import models
from django.db.models import Q

from joinedup.outcomes.models import OutcomeCategory
from joinedup.partnership.models import Practitioner, Team
from joinedup.people.models import Person


class EpisodeStatus(models.TextChoices):
    OPEN = "open", "Open (early help)"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    STEPPED_DOWN = "stepped_down", "Stepped down to early help"
    CLOSED = "closed", "Closed"


class Episode(models.Model):
    """One period of coordinated support for a family."""

    class Origin(models.TextChoices):
        TRIAGE = "triage", "Front door triage"
        PRACTITIONER_LED = "practitioner_led", "Practitioner-led"

    reference = models.CharField(max_length=20, unique=True)
    persons = models.ManyToManyField(Person, related_name="episodes")
    origin = models.CharField(max_length=20, choices=Origin.choices)
    status = models.CharField(
        max_length=15, choices=EpisodeStatus.choices, default=EpisodeStatus.OPEN
    )
    lead_professional = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, related_name="episodes_led"
    )
    lead_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["lead_professional", "status"], name="episode_lead_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_active(self) -> bool:
        return self.status != EpisodeStatus.CLOSED

    @cached_property
    def family_label(self) -> str:
        """The people it is about, children first, as the family gives their names: for lists
        shown to the team (use with `prefetch_related("persons")`; worked out once for each
        instance, as a list may name the same family in several places)."""
        persons = sorted(self.persons.all(), key=lambda p: (p.kind != "child", p.pk))
        names = [p.full_name for p in persons[:3]]
        more = len(persons) - len(names)
        return ", ".join(names) + (f" and {more} more" if more > 0 else "")


class EpisodeStatusChange(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=15, choices=EpisodeStatus.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class TeamMember(models.Model):
    """A practitioner from any organisation, or a family member taking part."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="members")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=200, help_text="Their part in the team.")
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(practitioner__isnull=False, person__isnull=True)
                | Q(practitioner__isnull=True, person__isnull=False),
                name="member_is_practitioner_or_family",
            ),
            models.UniqueConstraint(
                fields=["episode", "practitioner"],
                condition=Q(left_at__isnull=True),
                name="member_practitioner_once",
            ),
            models.UniqueConstraint(
                fields=["episode", "person"],
                condition=Q(left_at__isnull=True),
                name="member_person_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.practitioner_id:
            return self.practitioner.get_full_name()  # type: ignore[union-attr]
        return self.person.full_name  # type: ignore[union-attr]

    @property
    def is_family(self) -> bool:
        return self.person_id is not None


class LeadHandover(models.Model):
    """Who held the lead before, who holds it now, when and why, and what the family wanted."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="handovers")
    from_practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    family_preference = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]


class LeadProposal(models.Model):
    """A proposed change of lead professional (a handover, or the lead named at step-up or
    step-down). Nothing changes until the proposed practitioner accepts; they may decline with a
    reason. At most one proposal waits per episode."""

    class Kind(models.TextChoices):
        HANDOVER = "handover", "Handover"
        STEP_UP = "step_up", "Step-up to children's social care"
        STEP_DOWN = "step_down", "Step-down to early help"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="lead_proposals")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.HANDOVER)
    proposed = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    proposed_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()
    family_preference = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode"],
                condition=Q(status="waiting"),
                name="lead_proposal_one_waiting",
            )
        ]
        indexes = [models.Index(fields=["proposed", "status"], name="lead_proposal_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.proposed} ({self.get_status_display()})"


class WantedOutcome(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="outcomes")
    text = models.TextField(help_text="What the family and the team want to be different.")
    category = models.ForeignKey(
        OutcomeCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    NOT_DONE = "not_done", "Not done"


class Action(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(
        WantedOutcome, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    text = models.TextField()
    owner = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED
    )
    not_done_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="action_owner_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="not_done") | ~Q(not_done_reason=""),
                name="action_not_done_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ActionNote(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()

    class Meta:
        ordering = ["at", "pk"]


class PlanVersion(models.Model):
    """A frozen copy of the plan, made at every review, so versions can be compared."""

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveIntegerField()
    made_at = models.DateTimeField(auto_now_add=True)
    made_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    snapshot = models.JSONField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "number"], name="plan_version_unique")
        ]


class Meeting(models.Model):
    class Kind(models.TextChoices):
        TEAM = "team", "Team around the family meeting"
        REVIEW = "review", "Review"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    held_on = models.DateField()
    family_attended = models.BooleanField(default=False)
    family_said = models.TextField(blank=True)
    family_said_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose words these are: on the family's pages only they see them, unless shared.",
    )
    family_said_shared = models.BooleanField(
        default=False, help_text="The team shares these words with the whole family."
    )
    notes = models.TextField(blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [
            # Each team's latest meeting and the review it set (My work asks for every team a
            # practitioner is in), read from the index alone.
            models.Index(
                fields=["episode", "-held_on", "-id", "next_review_on"], name="meeting_latest_idx"
            )
        ]


class Attendance(models.Model):
    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=10, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")
        ]


class OutcomeJudgement(models.Model):
    class Judgement(models.TextChoices):
        BETTER = "better", "Better"
        NO_CHANGE = "no_change", "No change"
        WORSE = "worse", "Worse"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="judgements")
    outcome = models.ForeignKey(WantedOutcome, on_delete=models.CASCADE, related_name="judgements")
    judgement = models.CharField(max_length=10, choices=Judgement.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "outcome"], name="judgement_once")
        ]


class TeamDecision(models.Model):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField()
    reasons = models.TextField()
    taken_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)
    shared_with_family = models.BooleanField(
        default=False,
        help_text="Shown on the family's pages. Internal decisions (checks, referrals between "
        "agencies) are never shown to the family.",
    )

    class Meta:
        ordering = ["-taken_at", "-pk"]


class Disagreement(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    LEVELS = {1: "The practitioners talk", 2: "Their managers", 3: "Senior leads"}

    decision = models.ForeignKey(
        TeamDecision, on_delete=models.CASCADE, related_name="disagreements"
    )
    raised_by = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    level = models.PositiveSmallIntegerField(default=1)
    level_due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    upheld = models.BooleanField(null=True, help_text="Did the resolution agree with the raiser?")
    managers_told = models.ManyToManyField(
        Practitioner,
        blank=True,
        related_name="escalations",
        help_text="The managers (level 2) and senior leads (level 3) it was escalated to.",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="disagreement_level_1_to_3"
            ),
        ]

    @property
    def level_label(self) -> str:
        return self.LEVELS[self.level]


class DisagreementStep(models.Model):
    disagreement = models.ForeignKey(Disagreement, on_delete=models.CASCADE, related_name="steps")
    level = models.PositiveSmallIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    note = models.TextField()

    class Meta:
        ordering = ["at", "pk"]


class CriticalIncident(models.Model):
    class Kind(models.TextChoices):
        MISSING = "missing", "Child missing"
        ARRESTED = "arrested", "Arrested"
        HOSPITAL = "hospital", "Admitted to hospital"
        DOMESTIC = "domestic", "Domestic incident"
        SELF_HARM = "self_harm", "Self-harm"
        OTHER = "other", "Other"

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="incidents")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    description = models.TextField()
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]


class Closure(models.Model):
    class Reason(models.TextChoices):
        OUTCOMES_ACHIEVED = "outcomes_achieved", "Outcomes achieved"
        FAMILY_WITHDREW = "family_withdrew", "Family withdrew"
        STEPPED_UP = "stepped_up", "Stepped up to children's social care"
        MOVED_AWAY = "moved_away", "Moved away"
        OTHER = "other", "Other"

    episode = models.OneToOneField(Episode, on_delete=models.CASCADE, related_name="closure")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    summary = models.TextField()
    closed_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)
    family_feedback_requested = models.BooleanField(default=True)
    family_feedback = models.TextField(blank=True)


class ClosureFeedback(models.Model):
    """What a family member said, at closure, about the help they had: in their own words."""

    class How(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "By phone"
        ONLINE = "online", "Online, on the family's own pages"

    RATINGS = {
        1: "It made no difference",
        2: "It made a little difference",
        3: "It made some difference",
        4: "It made a lot of difference",
        5: "It made a very big difference",
    }

    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="closure_feedback")
    given_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    how = models.CharField(max_length=10, choices=How.choices)
    rating = models.PositiveSmallIntegerField(
        help_text="How much did the help make a difference? 1 (none) to 5 (a very big one)."
    )
    what_helped = models.TextField(blank=True)
    could_be_better = models.TextField(blank=True)
    given_on = models.DateField()
    recorded_by = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The practitioner who wrote it down; empty when the family gave it online.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["given_on", "pk"]
        verbose_name_plural = "closure feedback"
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="closure_feedback_rating_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["episode", "given_by"], name="closure_feedback_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(how="online", recorded_by__isnull=True)
                | (~Q(how="online") & Q(recorded_by__isnull=False)),
                name="closure_feedback_recorder_unless_online",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.episode} ({self.rating}/5)"

    @property
    def rating_label(self) -> str:
        return self.RATINGS.get(self.rating, "")


class Reminder(models.Model):
    """A reminder the worker has sent: a review due soon or overdue (to the lead professional),
    or a disagreement's escalation level due soon or overdue (to the people concerned).

    `key` names what it is about, its due date and the stage, and is unique: a schedule run
    twice, or run again after a worker was lost, finds the row and sends nothing more.
    """

    class Kind(models.TextChoices):
        REVIEW_SOON = "review_soon", "Review due soon"
        REVIEW_OVERDUE = "review_overdue", "Review overdue"
        ESCALATION_SOON = "escalation_soon", "Escalation level due soon"
        ESCALATION_OVERDUE = "escalation_overdue", "Escalation level overdue"

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="reminders")
    disagreement = models.ForeignKey(
        Disagreement, on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)
    told = models.JSONField(default=list, help_text="The practitioners told (their ids).")

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.key
