"""Writes to the partnership's own configuration: setting up staff in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.errors import NotFound
from joinedup.partnership.models import Organisation, Practitioner, Profession, Role, Team
from joinedup.partnership.staff import StaffRow


def may_load_staff(actor: Any) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and (
            actor.is_superuser
            or (hasattr(actor, "has_role") and actor.has_role(Role.Code.ADMINISTRATOR))
        )
    )


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass(frozen=True)
class Handover:
    """A leaver's open work, for their manager to hand over."""

    practitioner: Practitioner
    episodes_led: list[Any]
    open_actions: list[Any]
    requests: list[Any]

    @property
    def count(self) -> int:
        return len(self.episodes_led) + len(self.open_actions) + len(self.requests)


@dataclass
class StaffLoadReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    handover: list[Handover] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Checked:
    row: StaffRow
    organisation: Organisation
    email: str
    first_name: str
    last_name: str
    profession: str
    roles: list[str]
    left: bool


def _lookup(choices: Any, value: str) -> str | None:
    wanted = value.strip().lower().replace(" ", "_")
    for code, label in choices:
        if wanted in (code.lower(), label.lower().replace(" ", "_")):
            return str(code)
    return None


class _Checker:
    """Checks every row before anything is written, collecting an error per row at fault."""

    def __init__(self) -> None:
        organisations = list(Organisation.objects.all())
        self.organisations = {o.code.lower(): o for o in organisations} | {
            o.name.lower(): o for o in organisations
        }
        self.errors: list[RowError] = []
        self.emails: dict[str, int] = {}

    def fail(self, row: StaffRow, column: str, message: str) -> None:
        self.errors.append(RowError(row.number, column, f"Row {row.number}: {message}"))

    def check(self, row: StaffRow) -> _Checked | None:
        before = len(self.errors)
        organisation = self.organisations.get(row["organisation"].lower())
        if organisation is None:
            self.fail(row, "organisation", f"unknown organisation '{row['organisation']}'.")
        email = row["email"].lower()
        try:
            validate_email(email)
        except ValidationError:
            self.fail(row, "email", f"'{row['email']}' is not an email address.")
        if email in self.emails:
            self.fail(row, "email", f"{email} is also on row {self.emails[email]}.")
        self.emails.setdefault(email, row.number)
        names = row["name"].split()
        if not names:
            self.fail(row, "name", "enter the practitioner's name.")
        profession = _lookup(Profession.choices, row["profession"] or "other")
        if profession is None:
            self.fail(row, "profession", f"unknown profession '{row['profession']}'.")
        roles = [r for r in (part.strip() for part in row["roles"].split(";")) if r]
        codes = [_lookup(Role.Code.choices, r) for r in roles]
        if None in codes:
            bad = roles[codes.index(None)]
            self.fail(row, "roles", f"unknown role '{bad}'.")
        status = row["status"].lower()
        if status not in ("", "active", "left"):
            self.fail(row, "status", "status must be 'active' or 'left'.")
        if len(self.errors) > before:
            return None
        return _Checked(
            row,
            organisation,  # type: ignore[arg-type]
            email,
            " ".join(names[:-1]) or names[0],
            names[-1] if len(names) > 1 else "",
            profession,  # type: ignore[arg-type]
            [c for c in codes if c],
            status == "left",
        )

    def check_managers(self, rows: list[_Checked]) -> None:
        in_file = {r.email for r in rows}
        wanted = {r.row["line_manager"].lower() for r in rows if r.row["line_manager"]}
        known = set(
            Practitioner.objects.filter(email__in=wanted - in_file).values_list("email", flat=True)
        )
        for r in rows:
            manager = r.row["line_manager"].lower()
            if not manager:
                continue
            if manager == r.email:
                self.fail(r.row, "line_manager", "a practitioner cannot be their own line manager.")
            elif manager not in in_file and manager not in known:
                self.fail(r.row, "line_manager", f"no practitioner with the email {manager}.")


def _open_work(practitioner: Practitioner) -> Handover:
    from joinedup.episodes.models import Action as PlanAction
    from joinedup.episodes.models import Episode
    from joinedup.frontdoor.models import RequestForSupport

    return Handover(
        practitioner,
        list(Episode.objects.filter(lead_professional=practitioner).exclude(status="closed")),
        list(
            PlanAction.objects.filter(owner__practitioner=practitioner)
            .exclude(status__in=["done", "not_done"])
            .select_related("episode")
        ),
        list(RequestForSupport.objects.filter(assigned_to=practitioner, status="routed")),
    )


def _write(actor: Any, rows: list[_Checked], report: StaffLoadReport) -> list[Practitioner]:
    roles = {r.code: r for r in Role.objects.all()}
    by_email: dict[str, Practitioner] = {}
    leavers = []
    for r in rows:
        team = None
        if r.row["team"]:
            team, _ = Team.objects.get_or_create(organisation=r.organisation, name=r.row["team"])
        found = Practitioner.objects.filter(email__iexact=r.email).first()
        practitioner = found or Practitioner(email=r.email, username=r.email)
        practitioner.first_name, practitioner.last_name = r.first_name, r.last_name
        practitioner.organisation, practitioner.team = r.organisation, team
        practitioner.profession = r.profession
        practitioner.is_active = not r.left
        if found is None:
            practitioner.set_unusable_password()  # they set their own on first sign-in
        practitioner.save()
        for code in r.roles:
            if code not in roles:
                roles[code] = Role.objects.create(code=code)
        practitioner.roles.set([roles[c] for c in r.roles])
        (report.updated if found else report.created).append(r.email)
        by_email[r.email] = practitioner
        if r.left:
            leavers.append(practitioner)
    for r in rows:
        manager = r.row["line_manager"].lower()
        line_manager = by_email.get(manager) or (
            Practitioner.objects.filter(email__iexact=manager).first() if manager else None
        )
        Practitioner.objects.filter(pk=by_email[r.email].pk).update(line_manager=line_manager)
    return leavers


def staff_load(
    *, actor: Any, rows: list[StaffRow], deactivate_missing: bool = False
) -> StaffLoadReport:
    """Create or update every practitioner in the file, or (any row at fault) nothing at all.

    With `deactivate_missing`, the file lists everyone: active practitioners of the
    organisations in it who are not in it have left, and are deactivated too. Each leaver's open
    work (episodes they lead, actions they own, requests sent to them) is listed for handover.
    """
    if not may_load_staff(actor):
        raise NotFound()
    report = StaffLoadReport(rows=len(rows))
    checker = _Checker()
    checked = [c for c in (checker.check(row) for row in rows) if c is not None]
    checker.check_managers(checked)
    report.errors = sorted(checker.errors, key=lambda e: e.row)
    if not rows:
        report.errors.append(RowError(1, "file", "The file lists no practitioners."))
    if report.errors:
        return report
    with transaction.atomic():
        leavers = _write(actor, checked, report)
        if deactivate_missing:
            organisations = {c.organisation.pk for c in checked}
            missing = (
                Practitioner.objects.filter(organisation__in=organisations, is_active=True)
                .exclude(email__in=[c.email for c in checked])
                .exclude(pk=actor.pk)
            )
            gone = list(missing)
            missing.update(is_active=False)
            leavers += gone
        report.deactivated = [p.email for p in leavers]
        report.handover = [h for h in (_open_work(p) for p in leavers) if h.count]
        audit.record(
            actor=actor,
            action=Action.UPDATE,
            object_type="partnership.staff_load",
            detail={
                "created": report.created,
                "updated": report.updated,
                "deactivated": report.deactivated,
            },
        )
    return report
