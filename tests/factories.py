"""Test data, made through the real services wherever a service exists."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from joinedup.partnership.models import Organisation, Practitioner, Profession, Role, Sector, Team
from joinedup.people import services as people_services
from joinedup.people.models import Involvement, Person

_seq = count(1)
PASSWORD = "correct-horse-battery-staple"


def organisation(name: str | None = None, sector: str = Sector.EDUCATION, **extra) -> Organisation:
    n = next(_seq)
    name = name or f"Organisation {n}"
    org = Organisation.objects.create(
        code=f"org-{n}", name=name, sector=sector, email=f"org{n}@example.org", **extra
    )
    return org


def team(org: Organisation, name: str = "Team", front_door: bool = False) -> Team:
    return Team.objects.create(
        organisation=org, name=f"{name} {next(_seq)}", is_front_door=front_door
    )


def practitioner(
    org: Organisation | None = None,
    *,
    roles: tuple[str, ...] = (),
    profession: str = Profession.TEACHER,
    password: str = PASSWORD,
    **extra,
) -> Practitioner:
    n = next(_seq)
    org = org or organisation()
    user = Practitioner.objects.create_user(
        email=f"user{n}@example.org",
        password=password,
        first_name="Pat",
        last_name=f"User{n}",
        organisation=org,
        profession=profession,
        **extra,
    )
    for code in roles:
        role, _ = Role.objects.get_or_create(code=code)
        user.roles.add(role)
    return user


def person(given: str = "Alex", family: str = "Smith", dob: date | None = None, **extra) -> Person:
    return people_services.person_create(
        actor=None,
        given_name=given,
        family_name=family,
        kind=extra.pop("kind", "child"),
        date_of_birth=dob or date(2015, 3, 27),
        **extra,
    )


def involvement(org: Organisation, who: Person, *, since_days: int = 30, **extra) -> Involvement:
    return people_services.involvement_start(
        actor=None,
        organisation=org,
        person=who,
        kind=extra.pop("kind", "universal"),
        service=extra.pop("service", "Pupil"),
        started_on=timezone.localdate() - timedelta(days=since_days),
        **extra,
    )


def agreement(*parties: Organisation, **extra):
    """A sharing agreement in force today (a partnership-wide protocol if no parties named)."""
    from joinedup.partnership.models import SharingAgreement

    record = SharingAgreement.objects.create(
        name=extra.pop("name", f"Agreement {next(_seq)}"),
        covers_all_partners=not parties,
        categories=extra.pop("categories", ["identity", "contact", "involvement", "casework"]),
        purposes=extra.pop("purposes", ["assessment", "planning", "referral", "safeguarding"]),
        lawful_basis=extra.pop("lawful_basis", "public_task"),
        statutory_duty=extra.pop("statutory_duty", "ca2004_s10"),
        starts_on=extra.pop("starts_on", timezone.localdate() - timedelta(days=365)),
        **extra,
    )
    record.parties.set(parties)
    return record
