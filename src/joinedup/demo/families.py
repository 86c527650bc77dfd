"""Synthetic families: deterministic from the seed, one family at a time.

Family number i is drawn from its own random stream, so `--families 300` and `--families 500`
create the same first 300 families, and a re-run adds only what is missing.
Agencies' own records of each person carry the inconsistencies real records have.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from joinedup.people.identifiers import nhs_check_digit

ANCHOR = date(2026, 10, 1)  # ages are worked out from here, so the data is the same every day

GIRLS = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Freya",
    "Lily",
    "Aisha",
    "Maya",
    "Sophia",
    "Grace",
    "Evie",
    "Zara",
    "Ruby",
    "Poppy",
    "Hannah",
    "Elizabeth",
    "Margaret",
    "Katherine",
    "Jessica",
    "Rebecca",
    "Chloe",
    "Fatima",
    "Amara",
    "Niamh",
    "Leah",
    "Ella",
    "Mia",
    "Sienna",
]
BOYS = [
    "Oliver",
    "George",
    "Noah",
    "Muhammad",
    "Leo",
    "Harry",
    "Oscar",
    "Jack",
    "William",
    "Thomas",
    "James",
    "Alexander",
    "Daniel",
    "Joseph",
    "Samuel",
    "Benjamin",
    "Matthew",
    "Kai",
    "Ethan",
    "Reuben",
    "Tyler",
    "Kacper",
    "Ibrahim",
    "Callum",
    "Dylan",
    "Finley",
]
WOMEN = [
    "Sarah",
    "Emma",
    "Laura",
    "Rachel",
    "Kirsty",
    "Nicola",
    "Gemma",
    "Amina",
    "Joanne",
    "Stacey",
    "Claire",
    "Agnieszka",
    "Shanice",
    "Michelle",
    "Elizabeth",
    "Katherine",
]
MEN = [
    "David",
    "Mark",
    "Paul",
    "Lee",
    "Craig",
    "Darren",
    "Imran",
    "Michael",
    "Robert",
    "Anthony",
    "Tomasz",
    "Jason",
    "Wayne",
    "Richard",
    "William",
    "James",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Khan",
    "Lewis",
    "Harris",
    "Clarke",
    "Jackson",
    "Wood",
    "Hussain",
    "Kowalski",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Baker",
    "Begum",
    "Nowak",
    "O'Brien",
    "Murphy",
    "Hughes",
    "Edwards",
    "Ahmed",
    "Campbell",
    "Mensah",
    "Okoro",
    "Byrne",
    "Shaw",
    "Lloyd",
    "Marsh",
    "Fox",
]
NICKNAMES = {
    "William": "Bill",
    "Elizabeth": "Beth",
    "Margaret": "Maggie",
    "Katherine": "Kate",
    "Thomas": "Tom",
    "James": "Jim",
    "Alexander": "Alex",
    "Daniel": "Danny",
    "Joseph": "Joe",
    "Samuel": "Sam",
    "Benjamin": "Ben",
    "Matthew": "Matt",
    "Rebecca": "Becky",
    "Jessica": "Jess",
    "Michael": "Mike",
    "Robert": "Bob",
    "Anthony": "Tony",
    "Richard": "Rich",
    "Nicola": "Nicky",
    "Hannah": "Annie",
    "Oliver": "Ollie",
    "Harry": "Haz",
    "Callum": "Cal",
    "Finley": "Finn",
}
STREETS = [
    "Mill Lane",
    "Church Street",
    "Station Road",
    "Park Avenue",
    "Victoria Road",
    "Queens Road",
    "Orchard Close",
    "Meadow Way",
    "Riverside Walk",
    "Oak Crescent",
    "Harbour View",
    "Elm Grove",
    "Castle Street",
    "Green Lane",
    "Brook Road",
]
POSTCODE_DISTRICTS = {"North": ["DS1", "DS2", "DS3"], "South": ["DS7", "DS8", "DS9"]}


@dataclass
class DemoPerson:
    key: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str
    kind: str
    address: str
    postcode: str
    nhs_number: str
    upn: str
    old_address: tuple[str, str] | None = None


@dataclass
class DemoInvolvement:
    person_key: str
    org_code: str
    kind: str
    service: str
    started_on: date
    ended_on: date | None = None
    flags: dict[str, bool] = field(default_factory=dict)
    sensitive: str = ""


@dataclass
class DemoFamily:
    number: int
    name: str
    locality: str
    persons: list[DemoPerson]
    relationships: list[tuple[str, str, str, bool]]  # person is KIND of relative, PR
    involvements: list[DemoInvolvement]


def nhs_number(rng: random.Random) -> str:
    while True:
        first = "".join(str(rng.randint(0, 9)) for _ in range(9))
        first = str(rng.randint(4, 9)) + first[1:]
        check = nhs_check_digit(first)
        if check is not None:
            return first + str(check)


def upn(rng: random.Random) -> str:
    return rng.choice("ABHKMRT") + "".join(str(rng.randint(0, 9)) for _ in range(12))


def _address(rng: random.Random, locality: str) -> tuple[str, str]:
    district = rng.choice(POSTCODE_DISTRICTS[locality])
    letters = "ABDEFGHJLNPQRSTUWXYZ"  # the letters postcodes use in the inward code
    postcode = f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    return f"{rng.randint(1, 180)} {rng.choice(STREETS)}, Demo Shire", postcode


def _dob(rng: random.Random, min_age: int, max_age: int) -> date:
    days = rng.randint(min_age * 365 + 1, max_age * 365 + 300)
    return ANCHOR - timedelta(days=days)


def age(dob: date) -> int:
    return ANCHOR.year - dob.year - ((ANCHOR.month, ANCHOR.day) < (dob.month, dob.day))


def generate_family(seed: int, number: int) -> DemoFamily:
    rng = random.Random(f"{seed}-{number}")
    locality = rng.choice(["North", "South"])
    surname = rng.choice(SURNAMES)
    address, postcode = _address(rng, locality)
    persons: list[DemoPerson] = []
    rels: list[tuple[str, str, str, bool]] = []

    def add(given: str, family: str, dob: date, sex: str, kind: str) -> DemoPerson:
        p = DemoPerson(
            key=f"DEMO-{number:05d}-{len(persons) + 1}",
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            sex=sex,
            kind=kind,
            address=address,
            postcode=postcode,
            nhs_number=nhs_number(rng),
            upn="",
        )
        if rng.random() < 0.12:
            p.old_address = _address(rng, locality)
        persons.append(p)
        return p

    mother = add(rng.choice(WOMEN), surname, _dob(rng, 22, 45), "female", "adult")
    adults = [mother]
    if rng.random() < 0.55:
        other_surname = surname if rng.random() < 0.6 else rng.choice(SURNAMES)
        adults.append(add(rng.choice(MEN), other_surname, _dob(rng, 24, 50), "male", "adult"))
        rels.append((adults[1].key, mother.key, "partner", False))
    children: list[DemoPerson] = []
    youngest_mother_age = age(mother.date_of_birth) - 17
    for _ in range(rng.choice([1, 1, 2, 2, 2, 3, 3, 4])):
        sex = rng.choice(["female", "male"])
        given = rng.choice(GIRLS if sex == "female" else BOYS)
        if any(c.given_name == given for c in children):
            continue
        dob = _dob(rng, 0, max(0, min(17, youngest_mother_age)))
        if children and rng.random() < 0.06:  # twins: same birthday, different names
            dob = children[-1].date_of_birth
        child = add(given, surname, dob, sex, "child")
        if 4 <= age(dob) <= 16:
            child.upn = upn(rng)
        children.append(child)
    for child in children:
        for adult in adults:
            rels.append((adult.key, child.key, "parent", True))
    for i, a in enumerate(children):
        for b in children[i + 1 :]:
            rels.append((a.key, b.key, "sibling", False))
    return DemoFamily(
        number=number,
        name=f"{surname} family",
        locality=locality,
        persons=persons,
        relationships=rels,
        involvements=_involvements(rng, locality, adults, children),
    )


def _since(rng: random.Random, dob: date, max_days: int = 900) -> date:
    start = ANCHOR - timedelta(days=rng.randint(10, max_days))
    return max(start, dob)


def _involvements(
    rng: random.Random, locality: str, adults: list[DemoPerson], children: list[DemoPerson]
) -> list[DemoInvolvement]:
    out: list[DemoInvolvement] = []
    family = adults + children

    def inv(p: DemoPerson, org: str, kind: str, service: str, **flags: bool) -> None:
        ended = None
        if rng.random() < 0.08:
            ended = ANCHOR - timedelta(days=rng.randint(1, 60))
        start = _since(rng, p.date_of_birth)
        if ended and ended < start:
            ended = None
        sensitive = SENSITIVE_SERVICES.get(org, "")
        out.append(DemoInvolvement(p.key, org, kind, service, start, ended, flags, sensitive))

    gp = locality == "North" or rng.random() < 0.4
    for p in family:
        if gp:
            inv(p, "millbrook-gp", "universal", "Registered patient")
    for child in children:
        years = age(child.date_of_birth)
        if years < 5:
            inv(child, "health-visiting", "universal", "Healthy Child Programme")
        if 2 <= years <= 4 and locality == "North" and rng.random() < 0.5:
            inv(child, "little-acorns", "universal", "Funded nursery place")
        if 4 <= years <= 10:
            inv(
                child,
                "oakfield-primary" if locality == "North" else "riverside-academy",
                "universal",
                f"Pupil, year {max(0, years - 5)}",
            )
        elif 11 <= years <= 16:
            inv(
                child,
                "riverside-academy",
                "universal",
                f"Pupil, year {years - 4}",
                ehc_plan=rng.random() < 0.08,
            )
        if years >= 10 and rng.random() < 0.08:
            inv(child, "cyp-mental-health", "specialist", "Anxiety and low mood support")
        if years >= 12 and rng.random() < 0.05:
            inv(child, "youth-justice", "statutory", "Referral order", youth_justice_order=True)
        if years >= 8 and rng.random() < 0.04:
            inv(child, "young-carers", "targeted", "Young carers group")
    roll = rng.random()
    if roll < 0.30:
        for p in children:
            inv(p, "early-help", "targeted", "Early help family support")
    elif roll < 0.40:
        for p in children:
            inv(
                p,
                "social-care",
                "statutory",
                "Child in need plan",
                child_protection_plan=rng.random() < 0.3,
            )
    if rng.random() < 0.10:
        inv(adults[0], "police", "statutory", "Domestic incident follow-up")
        for p in children:
            inv(p, "police", "statutory", "Child present at domestic incident")
    if rng.random() < 0.08:
        inv(adults[0], "safe-harbour", "specialist", "Independent domestic violence advice")
        for p in children:
            inv(p, "safe-harbour", "specialist", "Children's recovery programme")
    if locality == "South" and rng.random() < 0.25:
        inv(adults[0], "harbour-homes", "targeted", "Tenancy sustainment")
    if rng.random() < 0.10:
        for p in family:
            inv(
                p,
                "eastside-community" if locality == "South" else "family-friends",
                "targeted",
                "Family drop-in and home visiting",
            )
    return out


def typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    action = rng.choice(["swap", "drop", "double"])
    if action == "swap":
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if action == "drop":
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


SENSITIVE_SERVICES = {
    "cyp-mental-health": "mental_health",
    "safe-harbour": "domestic_abuse",
    "youth-justice": "criminal_justice",
}
HEALTH_ORGS = {"millbrook-gp", "health-visiting", "cyp-mental-health"}
SCHOOLS = {"oakfield-primary", "riverside-academy"}


def source_record(rng: random.Random, person: DemoPerson, org_code: str) -> dict:
    """How one agency holds this person: often not quite as the next agency does."""
    given, family, dob = person.given_name, person.family_name, person.date_of_birth
    address, postcode = person.address, person.postcode
    if given in NICKNAMES and rng.random() < 0.2:
        given = NICKNAMES[given]
    if rng.random() < 0.05:
        given = typo(rng, given)
    if rng.random() < 0.05:
        family = typo(rng, family)
    if dob.day <= 12 and dob.day != dob.month and rng.random() < 0.03:
        swapped = date(dob.year, dob.day, dob.month)  # day and month swapped: a real date
        dob = swapped if swapped <= ANCHOR else dob
    if person.old_address and rng.random() < 0.5:
        address, postcode = person.old_address
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob if rng.random() > 0.02 else None,
        "sex": person.sex if rng.random() > 0.05 else "unknown",
        "address": address,
        "postcode": postcode if rng.random() > 0.05 else "",
        "nhs_number": person.nhs_number
        if (org_code in HEALTH_ORGS and rng.random() > 0.03) or rng.random() < 0.15
        else "",
        "upn": person.upn if org_code in SCHOOLS or org_code == "early-help" else "",
    }
