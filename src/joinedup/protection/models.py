"""The statutory path (Children Act 1989 s47, Children's Wellbeing and Schools Act 2026).

Multi-agency child protection teams are partnership configuration. A child's child-protection
record (`ProtectionCase`) hangs off the episode that was stepped up: strategy discussions, the
section 47 enquiry, conferences, the child protection plan (its actions are the episode's own
actions), core groups, and family group decision-making before proceedings.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from joinedup.episodes.models import Episode
from joinedup.partnership.models import Practitioner
from joinedup.people.models import Person


class Agency(models.TextChoices):
    """The agencies of the path. The first four are the memberships s16EA requires."""

    EDUCATION = "education", "Education"
    SOCIAL_WORK = "social_work", "Social work"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    OTHER = "other", "Other agency"


REQUIRED_AGENCIES = (Agency.EDUCATION, Agency.SOCIAL_WORK, Agency.HEALTH, Agency.POLICE)
# How each required membership is described when it is missing (Children Act 2004 s16EA).
REQUIRED_MEMBERSHIP_LABELS = {
    Agency.EDUCATION: "a person from education",
    Agency.SOCIAL_WORK: "a social worker",
    Agency.HEALTH: "a registered health professional nominated by the integrated care board",
    Agency.POLICE: "a police constable or police employee",
}


class ChildProtectionTeam(models.Model):
    """A multi-agency child protection team for an area (Children Act 2004 s16EA)."""

    name = models.CharField(max_length=200, unique=True)
    area = models.CharField(max_length=200, help_text="The area the team serves.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["area", "name"]

    def __str__(self) -> str:
        return self.name


class ChildProtectionTeamMember(models.Model):
    team = models.ForeignKey(ChildProtectionTeam, on_delete=models.CASCADE, related_name="members")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    agency = models.CharField(max_length=12, choices=Agency.choices)
    nominated_by_icb = models.BooleanField(
        default=False, help_text="A health professional nominated by the integrated care board."
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "practitioner"],
                condition=Q(left_on__isnull=True),
                name="cp_team_member_once",
            ),
        ]

    @property
    def counts_as_required(self) -> bool:
        """Health counts towards s16EA only when the integrated care board nominated them."""
        return self.agency != Agency.HEALTH or self.nominated_by_icb


class CaseStatus(models.TextChoices):
    ENQUIRY = "enquiry", "Strategy discussion and enquiries"
    CONFERENCE = "conference", "Waiting for the initial conference"
    PLAN = "plan", "Child protection plan"
    ENDED = "ended", "Ended"
    STEPPED_DOWN = "stepped_down", "Stepped down to family help"


OPEN_STATUSES = (CaseStatus.ENQUIRY, CaseStatus.CONFERENCE, CaseStatus.PLAN)


class ProtectionCase(models.Model):
    """One child's child-protection record, opened from a stepped-up episode."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="protection_cases")
    child = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="protection_cases")
    cp_team = models.ForeignKey(
        ChildProtectionTeam, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    lead_practitioner = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        related_name="protection_cases_led",
        help_text="The Lead Child Protection Practitioner: a social worker.",
    )
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.ENQUIRY)
    # The child-level census items the practitioner chose from the DfE code lists.
    referral_date = models.DateField()
    referral_source = models.CharField(max_length=3, blank=True)
    primary_need = models.CharField(max_length=2, blank=True)
    ethnicity = models.CharField(max_length=4, blank=True)
    disabilities = models.JSONField(default=list, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(max_length=4, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(status__in=["enquiry", "conference", "plan"]),
                name="protection_case_one_open_per_child",
            ),
        ]

    def __str__(self) -> str:
        return f"Child protection: {self.child.full_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class LeadPractitionerHandover(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="handovers")
    from_practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]


# --- Children in need: the assessment and the child in need plan (Children Act 1989 s17) ------


class SingleAssessment(models.Model):
    """Children's social care's assessment of a child under the Children Act 1989 (Working
    Together's single assessment), not the early-help family assessment of `assessments/`: it
    belongs to the statutory record and its team only. Authorised, it names the factors
    identified at its end from the census code list."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="assessments")
    started_on = models.DateField()
    social_worker = models.ForeignKey(
        Practitioner,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The social worker who carried out the assessment.",
    )
    authorised_on = models.DateField(null=True, blank=True)
    authorised_by = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    factors = models.JSONField(
        default=list, blank=True, help_text="Census codes of the factors identified at the end."
    )
    summary = models.TextField(blank=True, help_text="What the assessment found, briefly.")
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = "single assessment"
        constraints = [
            models.CheckConstraint(
                condition=Q(authorised_on__isnull=True) | Q(authorised_on__gte=F("started_on")),
                name="single_assessment_authorised_after_start",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(authorised_on__isnull=True),
                name="single_assessment_one_under_way",
            ),
        ]

    @property
    def is_under_way(self) -> bool:
        return self.authorised_on is None


class ChildInNeedPlan(models.Model):
    """A child in need plan (Children Act 1989 s17): its dates are what the census returns. It
    never runs beside a child protection plan."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="cin_plans")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = "child in need plan"
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="cin_plan_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True), name="cin_plan_one_open"
            ),
        ]


class StrategyDecision(models.TextChoices):
    SECTION_47 = "s47", "Start a section 47 enquiry"
    CHILD_IN_NEED = "cin", "No s47: assess as a child in need"
    NO_FURTHER_ACTION = "nfa", "No further action"


class StrategyDiscussion(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="strategies")
    held_on = models.DateField()
    decision = models.CharField(max_length=3, choices=StrategyDecision.choices)
    reasons = models.TextField()
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]


class Attendee(models.Model):
    """Someone at a strategy discussion or a conference, by agency."""

    strategy = models.ForeignKey(
        StrategyDiscussion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attendees",
    )
    conference = models.ForeignKey(
        "Conference", on_delete=models.CASCADE, null=True, blank=True, related_name="attendees"
    )
    name = models.CharField(max_length=200)
    agency = models.CharField(max_length=12, choices=Agency.choices)

    class Meta:
        ordering = ["agency", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(strategy__isnull=False, conference__isnull=True)
                | Q(strategy__isnull=True, conference__isnull=False),
                name="attendee_of_one_meeting",
            ),
        ]


class EnquiryOutcome(models.TextChoices):
    CONFERENCE = "conference", "Concerns substantiated: initial child protection conference"
    CHILD_IN_NEED = "cin", "Concerns not substantiated: continue as a child in need"
    NO_FURTHER_ACTION = "nfa", "No further action"


class Section47Enquiry(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="enquiries")
    strategy = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiry"
    )
    started_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=EnquiryOutcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["started_on", "pk"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"


class AbuseCategory(models.TextChoices):
    """The categories of abuse, with the CIN census codes as their stored values."""

    NEGLECT = "NEG", "Neglect"
    PHYSICAL = "PHY", "Physical abuse"
    EMOTIONAL = "EMO", "Emotional abuse"
    SEXUAL = "SAB", "Sexual abuse"
    MULTIPLE = "MUL", "Multiple categories"


class Conference(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial child protection conference"
        REVIEW = "review", "Review child protection conference"

    class Decision(models.TextChoices):
        PLAN = "plan", "The child needs a child protection plan"
        NO_PLAN = "no_plan", "No plan: support as a child in need or through family help"
        CONTINUE = "continue", "The plan continues"
        END = "end", "The plan ends"

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="conferences")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    held_on = models.DateField()
    family_views = models.TextField(blank=True)
    child_views = models.TextField(blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    category = models.CharField(max_length=3, choices=AbuseCategory.choices, blank=True)
    late_reason = models.TextField(
        blank=True, help_text="Why the conference was held outside its statutory timescale."
    )
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]


class AgencyReport(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="reports")
    agency = models.CharField(max_length=12, choices=Agency.choices)
    summary = models.TextField()

    class Meta:
        ordering = ["agency", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "agency"], name="one_report_per_agency")
        ]


class ChildProtectionPlan(models.Model):
    """The plan's actions are the episode's actions: one plan, owned across agencies."""

    case = models.OneToOneField(ProtectionCase, on_delete=models.CASCADE, related_name="plan")
    initial_conference = models.OneToOneField(
        Conference, on_delete=models.PROTECT, related_name="plan_started"
    )
    started_on = models.DateField()
    category = models.CharField(max_length=3, choices=AbuseCategory.choices)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(category=""), name="plan_has_category"),
        ]


class CoreGroupMeeting(models.Model):
    plan = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.CASCADE, related_name="core_groups"
    )
    held_on = models.DateField()
    attended = models.TextField(help_text="Who came, by agency.")
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]


# --- Family group decision-making (Children Act 1989 s31ZA) ------------------------------------


class FamilyNetworkMember(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="network")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=200)
    contact = models.CharField(max_length=300, blank=True)
    parental_responsibility = models.BooleanField(default=False)

    class Meta:
        ordering = ["-parental_responsibility", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class FgdmOffer(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="fgdm_offers")
    offered_on = models.DateField()
    in_letter_before_proceedings = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["offered_on", "pk"]


class FgdmResponse(models.Model):
    class Answer(models.TextChoices):
        WAITING = "waiting", "Not answered yet"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    offer = models.ForeignKey(FgdmOffer, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey(FamilyNetworkMember, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=8, choices=Answer.choices, default=Answer.WAITING)
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "member"], name="fgdm_answer_once"),
        ]


class ChildParticipation(models.TextChoices):
    ATTENDED = "attended", "The child attended"
    PART = "part", "The child attended part of the meeting"
    VIEWS = "views", "The child's views were brought by someone else"
    NOT = "not", "The child did not take part"


class FgdmMeeting(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="fgdm_meetings")
    held_on = models.DateField()
    attended = models.ManyToManyField(FamilyNetworkMember, blank=True, related_name="+")
    child_participation = models.CharField(max_length=8, choices=ChildParticipation.choices)
    family_plan = models.TextField()
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["held_on", "pk"]


class FgdmExemption(models.Model):
    """The meeting is not held because it would not be in the child's best interests."""

    case = models.OneToOneField(
        ProtectionCase, on_delete=models.CASCADE, related_name="fgdm_exemption"
    )
    reasons = models.TextField()
    decided_on = models.DateField()
    decided_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")


class Proceedings(models.Model):
    """An application for a care or supervision order."""

    case = models.OneToOneField(
        ProtectionCase, on_delete=models.CASCADE, related_name="proceedings"
    )
    applied_on = models.DateField()
    recorded_by = models.ForeignKey(Practitioner, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name_plural = "proceedings"


__all__ = [
    "Agency",
    "AgencyReport",
    "Attendee",
    "ChildInNeedPlan",
    "ChildProtectionPlan",
    "ChildProtectionTeam",
    "ChildProtectionTeamMember",
    "Conference",
    "CoreGroupMeeting",
    "FamilyNetworkMember",
    "FgdmExemption",
    "FgdmMeeting",
    "FgdmOffer",
    "FgdmResponse",
    "LeadPractitionerHandover",
    "Proceedings",
    "ProtectionCase",
    "Section47Enquiry",
    "SingleAssessment",
    "StrategyDiscussion",
]
