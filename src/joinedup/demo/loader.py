"""Loads the demo partnership: deterministic for a seed, and safe to run again."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from joinedup.audit import services as audit
from joinedup.audit.models import Action
from joinedup.demo import families as gen
from joinedup.demo.partnership import DEMO_PASSWORD, ORGANISATIONS, PRACTITIONERS, email_for
from joinedup.partnership.models import Organisation, Practitioner, Role, Team
from joinedup.people.models import (
    Family,
    FamilyMember,
    Involvement,
    MatchStatus,
    Person,
    Relationship,
    SourceRecord,
)


@dataclass
class DemoResult:
    organisations: int
    practitioners: int
    families_added: int
    persons_added: int
    requests_added: int = 0


def _partnership() -> tuple[dict[str, Organisation], int]:
    roles = {}
    for code in Role.Code.values:
        roles[code], _ = Role.objects.get_or_create(code=code)
    orgs: dict[str, Organisation] = {}
    teams: dict[tuple[str, int], Team] = {}
    for code, name, sector, locality, domain, phone, team_specs in ORGANISATIONS:
        org, _ = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "sector": sector,
                "locality": locality,
                "email": f"contact@{domain}.example",
                "telephone": phone,
            },
        )
        orgs[code] = org
        for i, (team_name, front_door) in enumerate(team_specs):
            teams[code, i], _ = Team.objects.get_or_create(
                organisation=org, name=team_name, defaults={"is_front_door": front_door}
            )
    domains = {spec[0]: spec[4] for spec in ORGANISATIONS}
    password = make_password(DEMO_PASSWORD)
    for code, team_i, first, last, profession, title, role_codes in PRACTITIONERS:
        email = email_for(first, last, domains[code])
        user, created = Practitioner.objects.get_or_create(
            email=email,
            defaults={
                "username": email,
                "first_name": first.split()[-1],
                "last_name": last,
                "organisation": orgs[code],
                "team": teams.get((code, team_i)) if team_i is not None else None,
                "profession": profession,
                "job_title": title,
                "password": password,
                "telephone": f"01632 96{random.Random(email).randint(1000, 9999)}",
                "is_staff": Role.Code.ADMINISTRATOR in role_codes,
                "is_superuser": Role.Code.ADMINISTRATOR in role_codes,
            },
        )
        if created:
            user.roles.set([roles[r] for r in [Role.Code.PRACTITIONER, *role_codes]])
    return orgs, len(PRACTITIONERS)


def _load_family(fam: gen.DemoFamily, orgs: dict[str, Organisation], seed: int) -> list[Person]:
    rng = random.Random(f"{seed}-{fam.number}-records")
    persons = {
        p.key: Person(
            reference=p.key,
            given_name=p.given_name,
            family_name=p.family_name,
            date_of_birth=p.date_of_birth,
            sex=p.sex,
            kind=p.kind,
            address=p.address,
            postcode=p.postcode,
            nhs_number=p.nhs_number,
            upn=p.upn,
        )
        for p in fam.persons
    }
    Person.objects.bulk_create(persons.values())
    family = Family.objects.create(name=fam.name)
    FamilyMember.objects.bulk_create(
        FamilyMember(family=family, person=p) for p in persons.values()
    )
    Relationship.objects.bulk_create(
        Relationship(person=persons[a], relative=persons[b], kind=k, parental_responsibility=pr)
        for a, b, k, pr in fam.relationships
    )
    Involvement.objects.bulk_create(
        Involvement(
            organisation=orgs[i.org_code],
            person=persons[i.person_key],
            kind=i.kind,
            service=i.service,
            started_on=i.started_on,
            ended_on=i.ended_on,
            sensitive_category=i.sensitive,
            **i.flags,
        )
        for i in fam.involvements
    )
    by_key = {p.key: p for p in fam.persons}
    records, seen = [], set()
    for i in fam.involvements:
        if (i.person_key, i.org_code) in seen:
            continue
        seen.add((i.person_key, i.org_code))
        records.append(
            SourceRecord(
                organisation=orgs[i.org_code],
                agency_record_id=f"{i.org_code[:3].upper()}-{i.person_key}",
                person=persons[i.person_key],
                match_status=MatchStatus.AUTOMATIC,
                match_probability=0.999,
                **gen.source_record(rng, by_key[i.person_key], i.org_code),
            )
        )
    SourceRecord.objects.bulk_create(records)
    return list(persons.values())


def load(
    *, families: int = 300, seed: int = 2026, progress: Callable[[int, int], None] | None = None
) -> DemoResult:
    with transaction.atomic():
        orgs, practitioner_count = _partnership()
        existing = set(
            Person.objects.filter(reference__startswith="DEMO-").values_list("reference", flat=True)
        )
        added_families, added_persons = 0, []
        for number in range(1, families + 1):
            if f"DEMO-{number:05d}-1" not in existing:
                added_persons += _load_family(gen.generate_family(seed, number), orgs, seed)
                added_families += 1
            if progress:
                progress(number, families)
        if added_families:
            # One event for the whole synthetic load, naming every person it created.
            audit.record(
                actor=None,
                action=Action.CREATE,
                object_type="demo.partnership",
                object_id=str(seed),
                persons=added_persons,
                purpose="demo data",
                detail={"families": added_families, "persons": len(added_persons)},
            )
    if added_families:  # the agencies' records reach persons through the real linkage
        from joinedup.identity.linking import link_demo_records

        link_demo_records(persons=added_persons, seed=seed)
    from joinedup.demo.casework import load_requests
    from joinedup.demo.team import load_teams

    requests = load_requests(seed) if families >= 20 else 0
    if requests:
        load_teams(seed)
    from joinedup.demo.family import load_family_accounts
    from joinedup.demo.sharing import load_sharing

    load_family_accounts()
    load_sharing()  # after the family accounts: it protects every refuge address they set
    from joinedup.demo.protection import load_protection

    load_protection()

    from joinedup.demo.outcomes import load_outcomes

    if requests:
        load_outcomes(seed)  # before partnership health: its prompts read the outcomes
    from joinedup.demo.directory import load_directory  # services, then referrals from episodes

    load_directory()
    from joinedup.demo.recording import load_recording

    load_recording()  # households over time, notes, a report, a review arranged
    from joinedup.demo.insight import load_insight  # partnership health, then its rebuild

    load_insight(seed=seed, story=families >= 20)
    from joinedup.outcomes.dashboard import rebuild as rebuild_dashboard

    rebuild_dashboard()
    # Every organisation the demo holds: the partnership's, and one whose staff wait to be loaded.
    organisations = Organisation.objects.count()
    return DemoResult(
        organisations, practitioner_count, added_families, len(added_persons), requests
    )
