"""Organisations, their teams and their practitioners (the users of joinedup)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from joinedup.sharing.lawful import LawfulBasis, SpecialCondition, StatutoryDuty


class Sector(models.TextChoices):
    STATUTORY = "statutory", "Statutory (council)"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    POLICE = "police", "Police"
    JUSTICE = "justice", "Youth justice"
    HOUSING = "housing", "Housing"
    VOLUNTARY = "voluntary", "Voluntary"
    COMMUNITY = "community", "Community"
    PRIVATE = "private", "Private provider"
    MUTUAL = "mutual", "Mutual"


class RecordVisibility(models.TextChoices):
    """Who beyond the author's organisation may read a case note or a document
    (sharing/policy.py decides; the team and the family only as the policy allows)."""

    ORGANISATION = "organisation", "My organisation only"
    TEAM = "team", "Shared with the team around the family"
    FAMILY = "family", "Shared with the team and the family"


class Organisation(models.Model):
    code = models.SlugField(max_length=40, unique=True, help_text="Short code used in imports.")
    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=20, choices=Sector.choices)
    locality = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    default_record_visibility = models.CharField(
        max_length=20,
        choices=[c for c in RecordVisibility.choices if c[0] != RecordVisibility.FAMILY],
        default=RecordVisibility.ORGANISATION,
        help_text="Who may read its practitioners' case notes and documents unless they choose.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    is_front_door = models.BooleanField(
        default=False, help_text="The front door (early-help hub) triages requests for support."
    )
    email = models.EmailField(blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    manager = models.ForeignKey(
        "Practitioner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_teams",
        help_text="Line manager of the team's practitioners who have none of their own.",
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique_in_org")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation.name})"


class Profession(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Social worker"
    EARLY_HELP_WORKER = "early_help_worker", "Early help worker"
    FAMILY_SUPPORT_WORKER = "family_support_worker", "Family support worker"
    TEACHER = "teacher", "Teacher"
    DSL = "designated_safeguarding_lead", "Designated safeguarding lead"
    SENCO = "senco", "Special educational needs coordinator"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    GP = "gp", "General practitioner"
    MIDWIFE = "midwife", "Midwife"
    MENTAL_HEALTH = "mental_health_practitioner", "Mental health practitioner"
    POLICE_OFFICER = "police_officer", "Police officer"
    YOUTH_JUSTICE = "youth_justice_officer", "Youth justice officer"
    HOUSING_OFFICER = "housing_officer", "Housing officer"
    YOUTH_WORKER = "youth_worker", "Youth worker"
    EARLY_YEARS = "early_years_practitioner", "Early years practitioner"
    IDVA = "idva", "Independent domestic violence adviser"
    VOLUNTEER_COORDINATOR = "volunteer_coordinator", "Volunteer coordinator"
    COMMUNITY_WORKER = "community_worker", "Community worker"
    MANAGER = "manager", "Manager"
    DATA_PROTECTION = "data_protection_officer", "Data protection officer"
    ANALYST = "analyst", "Analyst"
    OTHER = "other", "Other"


class Role(models.Model):
    """What a practitioner may do beyond their own casework (front door, partnership manager...)."""

    class Code(models.TextChoices):
        PRACTITIONER = "practitioner", "Practitioner"
        FRONT_DOOR = "front_door", "Front door"
        PARTNERSHIP_MANAGER = "partnership_manager", "Partnership manager"
        DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
        AGENCY_DATA_LEAD = "agency_data_lead", "Agency data lead"
        ADMINISTRATOR = "administrator", "Administrator"

    code = models.CharField(max_length=40, choices=Code.choices, unique=True)
    requires_two_factor = models.BooleanField(
        default=False, help_text="Practitioners with this role must sign in with a second factor."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class PractitionerManager(UserManager["Practitioner"]):
    def get_by_natural_key(self, username: str | None) -> Practitioner:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra):  # type: ignore[override]
        extra.setdefault("username", email.lower())
        return super().create_user(email=email.lower(), password=password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):  # type: ignore[override]
        extra.setdefault("username", email.lower())
        return super().create_superuser(email=email.lower(), password=password, **extra)


class Practitioner(AbstractUser):
    """A user of joinedup: someone working in one of the partnership's organisations."""

    email = models.EmailField("email address", unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="practitioners", null=True, blank=True
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, related_name="practitioners", null=True, blank=True
    )
    profession = models.CharField(
        max_length=40, choices=Profession.choices, default=Profession.OTHER
    )
    job_title = models.CharField(max_length=200, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    roles = models.ManyToManyField(Role, blank=True, related_name="practitioners")
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="Told when this practitioner's disagreements are escalated to managers.",
    )

    USERNAME_FIELD = "email"  # type: ignore[misc]
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    objects = PractitionerManager()  # type: ignore[misc]

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="practitioner_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def has_role(self, code: str) -> bool:
        return code in self.role_codes

    @property
    def role_codes(self) -> frozenset[str]:
        return self._roles()[0]

    @property
    def manager(self) -> Practitioner | None:
        """Their own line manager, else their team's manager (never themselves)."""
        for candidate in (self.line_manager, self.team.manager if self.team else None):
            if candidate is not None and candidate.pk != self.pk and candidate.is_active:
                return candidate
        return None

    @property
    def requires_two_factor(self) -> bool:
        return self._roles()[1]

    def _roles(self) -> tuple[frozenset[str], bool]:
        """The roles and whether any needs a second factor: one query per request, asked by
        the two-factor middleware, the menu and the policy alike."""
        cached = getattr(self, "_role_facts", None)
        if cached is None:
            rows = list(self.roles.values_list("code", "requires_two_factor"))
            cached = (frozenset(code for code, _ in rows), any(two for _, two in rows))
            self._role_facts = cached
        return cached


class Notification(models.Model):
    """A message to one practitioner inside joinedup (also sent by email)."""

    recipient = models.ForeignKey(
        Practitioner, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.subject


class SharingAgreement(models.Model):
    """An information-sharing agreement between organisations, configured by administrators.

    Outside an agreement that covers the parties, the category of data and the purpose, only a
    safeguarding basis or break-glass opens another organisation's information (sharing/policy.py).
    """

    name = models.CharField(max_length=200, unique=True)
    parties = models.ManyToManyField(Organisation, blank=True, related_name="sharing_agreements")
    covers_all_partners = models.BooleanField(
        default=False,
        help_text="A partnership-wide protocol: every organisation in joinedup is a party.",
    )
    categories = models.JSONField(default=list, help_text="Categories of data shared.")
    purposes = models.JSONField(default=list, help_text="Purposes the data may be used for.")
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    statutory_duty = models.CharField(max_length=20, choices=StatutoryDuty.choices, blank=True)
    special_condition = models.CharField(
        max_length=20,
        choices=SpecialCondition.choices,
        blank=True,
        help_text="Needed where health or other special category data is shared.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    document = models.URLField(blank=True, help_text="Where the signed agreement is kept.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(lawful_basis="public_task", statutory_duty=""),
                name="agreement_public_task_names_duty",
            ),
        ]

    def __str__(self) -> str:
        return self.name
