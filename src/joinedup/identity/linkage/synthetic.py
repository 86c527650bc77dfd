"""Synthetic agency records about children, with the true person behind each record known.

Six agencies each hold their own record of a child, with the errors real records have:
nicknames, typos, changed and hyphenated surnames, old addresses after a move, missing or
mistyped identifiers, twins, siblings, and duplicate records inside one agency. Deterministic
for a given seed. Used by the benchmark, the tests and the demo; never real people.
"""

from __future__ import annotations

import csv
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from joinedup.identity.linkage.normalise import NHS_WEIGHTS, nickname_groups


def _words(text: str) -> list[str]:
    return text.split()


GIRLS = _words(
    "olivia amelia isla ava mia ivy lily isabella rosie sophia grace freya willow florence emily "
    "ella poppy evie elsie charlotte evelyn sienna sofia daisy phoebe sophie alice harper matilda "
    "ruby emilia maya millie isabelle eva luna maisie ellie aria esme imogen jessica layla "
    "scarlett mila erin zara hannah holly molly lucy chloe georgia amber eleanor elizabeth "
    "margaret catherine katherine rebecca samantha victoria abigail jennifer josephine harriet "
    "caroline nicola rachel sarah emma frances louise deborah leah nadia aisha fatima maryam "
    "khadija zainab amira hafsa ayesha priya anjali simran kiran chantelle jade kayleigh shannon "
    "courtney paige bethany megan kirsty gemma"
)
BOYS = _words(
    "muhammad noah oliver george leo arthur oscar harry theodore freddie jack charlie thomas "
    "jacob alfie henry archie william joshua james isaac lucas edward finley teddy alexander arlo "
    "tommy ethan joseph samuel reggie jude daniel max rory louie albie ronnie benjamin adam "
    "elijah hunter sebastian harrison toby mason dylan logan jaxon frederick christopher nicholas "
    "matthew michael richard robert stephen anthony patrick jonathan nathan callum bradley lewis "
    "kyle connor liam ryan jordan tyler reece kieran declan ibrahim yusuf omar ali hamza bilal "
    "zain ayaan arjun rohan vikram kwame kofi tunde chidi emeka jakub kacper szymon filip mateusz"
)
SURNAMES_COMMON = _words(
    "smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson "
    "thompson wright walker white edwards hughes green hall lewis harris clarke patel jackson "
    "wood turner martin cooper hill ward morris moore clark lee king baker harrison morgan allen "
    "james scott phillips watson davis parker price bennett young griffiths mitchell kelly cook "
    "carter richardson bailey collins bell shaw murphy miller cox richards khan marshall anderson "
    "simpson ellis adams singh begum wilkinson foster chapman powell webb rogers gray mason ali "
    "hussain campbell matthews owen palmer holmes mills barnes knight lloyd butler russell barker "
    "fisher stevens jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur gibson "
    "howard andrews stewart ford reynolds saunders payne fox ross pearce obrien mcdonald okafor "
    "nowak kowalski mensah"
)
PREFIXES = _words(
    "ash brad whit hol mar fair black green north west stan brom hart cal dun kil pen"
)
SUFFIXES = _words("worth ley ton field ford by wood man well hurst ridge more dale combe stead")
STREETS = _words(
    "church station victoria green manor park queens kings grange mill school chapel meadow "
    "orchard oak elm beech ash willow cedar highfield springfield moor hill windsor albert york "
    "cross bridge river brook"
)
STREET_TYPES = ("Road", "Street", "Avenue", "Lane", "Close", "Drive", "Crescent", "Gardens")
AREAS = ("LS", "BD", "HX", "HD", "WF", "M", "B", "S", "L", "NE", "SR", "BS", "CF", "NG", "LE")

AGENCIES = ("school", "gp", "health_visiting", "police", "council", "charity")
# Chance that an agency holds a record of a given child, and of each identifier on it.
HOLDS = {"school": 0.8, "gp": 0.95, "health_visiting": 0.5, "police": 0.12, "council": 0.35,
         "charity": 0.15}  # fmt: skip
HAS_NHS = {"school": 0.1, "gp": 0.97, "health_visiting": 0.95, "police": 0.35, "council": 0.5,
           "charity": 0.05}  # fmt: skip
HAS_UPN = {"school": 0.98, "gp": 0.0, "health_visiting": 0.0, "police": 0.05, "council": 0.45,
           "charity": 0.05}  # fmt: skip
DUPLICATE_IN_AGENCY = 0.04
FIELDS = ("source", "record_id", "given_name", "family_name", "date_of_birth", "sex",
          "postcode", "address", "nhs_number", "upn", "other_id", "true_person")  # fmt: skip


@dataclass
class Person:
    person_id: int
    given: str
    family: str
    dob: date
    sex: str
    home: tuple[str, str]
    nhs: str
    upn: str
    old_home: tuple[str, str] | None = None
    old_family: str | None = None
    other_ids: dict[str, str] = field(default_factory=dict)


def _zipf(items: list[str], rng: random.Random) -> list[float]:
    # Flatter than a true Zipf curve so no name is much commoner than in England and Wales
    # (Smith, the commonest surname, is about 1.4% of people here).
    return [1.0 / (rank + 1) ** 0.5 for rank in range(len(items))]


def _surnames(rng: random.Random) -> tuple[list[str], list[float]]:
    made = sorted({p + s for p in PREFIXES for s in SUFFIXES})
    names = SURNAMES_COMMON + made
    weights = _zipf(SURNAMES_COMMON, rng) + [0.2] * len(made)
    return names, weights


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, NHS_WEIGHTS, strict=True)) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(0 if check == 11 else check)


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.surnames, self.surname_weights = _surnames(self.rng)
        self.girl_weights = _zipf(GIRLS, self.rng)
        self.boy_weights = _zipf(BOYS, self.rng)
        self.next_person = 0
        self.next_record: dict[str, int] = dict.fromkeys(AGENCIES, 0)

    def home(self) -> tuple[str, str]:
        rng = self.rng
        area = rng.choice(AREAS)
        unit = "".join(rng.choices("ABDEFGHJLNPQRSTUWXYZ", k=2))
        code = f"{area}{rng.randint(1, 29)} {rng.randint(0, 9)}{unit}"
        street = f"{rng.randint(1, 180)} {rng.choice(STREETS).title()} {rng.choice(STREET_TYPES)}"
        return code, street

    def surname(self) -> str:
        return self.rng.choices(self.surnames, self.surname_weights)[0].title()

    def given(self, sex: str, avoid: set[str]) -> str:
        names, weights = (GIRLS, self.girl_weights) if sex == "F" else (BOYS, self.boy_weights)
        while True:
            name = self.rng.choices(names, weights)[0]
            if name not in avoid:
                return name.title()

    def family(self) -> list[Person]:
        """A household of one to four children; sometimes twins, sometimes a hyphenated name."""
        rng = self.rng
        family_name = self.surname()
        if rng.random() < 0.06:
            family_name = f"{family_name}-{self.surname()}"
        home = self.home()
        moved = self.home() if rng.random() < 0.15 else None
        changed = self.surname() if rng.random() < 0.04 else None
        count = rng.choices((1, 2, 3, 4), (0.45, 0.35, 0.15, 0.05))[0]
        first_dob = date(2008, 1, 1) + timedelta(days=rng.randrange(18 * 365 - 1100))
        children: list[Person] = []
        used: set[str] = set()
        dob = first_dob
        for index in range(count):
            twin = index > 0 and rng.random() < 0.04
            if index > 0 and not twin:
                dob = dob + timedelta(days=rng.randint(300, 1400))
            sex = rng.choice("MF")
            given = self.given(sex, used)
            used.add(given.lower())
            self.next_person += 1
            children.append(
                Person(
                    self.next_person,
                    given,
                    family_name,
                    min(dob, date(2025, 12, 31)),
                    sex,
                    home,
                    nhs_number(rng),
                    self.upn(),
                    moved,
                    changed,
                )
            )
        return children

    def upn(self) -> str:
        rng = self.rng
        return rng.choice(string.ascii_uppercase) + "".join(
            str(rng.randrange(10)) for _ in range(12)
        )

    def records(self, person: Person) -> Iterator[dict[str, str]]:
        for agency in AGENCIES:
            if self.rng.random() >= HOLDS[agency]:
                continue
            copies = 2 if self.rng.random() < DUPLICATE_IN_AGENCY else 1
            for copy in range(copies):
                yield self.record(person, agency, duplicate=copy > 0)

    def record(self, person: Person, agency: str, duplicate: bool) -> dict[str, str]:
        rng = self.rng
        self.next_record[agency] += 1
        if agency not in person.other_ids or (duplicate and rng.random() < 0.7):
            person.other_ids[agency] = f"{agency[:2].upper()}{rng.randrange(10**7):07d}"
        code, street = person.home
        if person.old_home and rng.random() < 0.5:
            code, street = person.old_home
        return {
            "source": agency,
            "record_id": f"{agency[:2].upper()}-{self.next_record[agency]}",
            "given_name": self.given_variant(person.given),
            "family_name": self.family_variant(person),
            "date_of_birth": self.dob_variant(person.dob),
            "sex": self.maybe(person.sex, 0.05, wrong=("F" if person.sex == "M" else "M")),
            "postcode": self.postcode_variant(code),
            "address": self.address_variant(street),
            "nhs_number": self.id_variant(person.nhs, HAS_NHS[agency]),
            "upn": self.id_variant(person.upn, HAS_UPN[agency]),
            "other_id": person.other_ids[agency],
            "true_person": str(person.person_id),
        }

    def maybe(self, value: str, missing: float, wrong: str | None = None) -> str:
        roll = self.rng.random()
        if roll < missing:
            return ""
        if wrong is not None and roll < missing + 0.005:
            return wrong
        return value

    def typo(self, text: str) -> str:
        rng = self.rng
        if len(text) < 3:
            return text
        i = rng.randrange(1, len(text) - 1)
        kind = rng.random()
        if kind < 0.33:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if kind < 0.66:
            return text[:i] + text[i + 1 :]
        return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]

    def given_variant(self, name: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            options = [n for n, groups in nickname_groups().items()
                       if name.lower() in groups and n != name.lower()]  # fmt: skip
            if options:
                return rng.choice(options).title()
        if roll < 0.15:
            return self.typo(name.lower()).title()
        if roll < 0.155:
            return ""
        return name.upper() if roll > 0.97 else name

    def family_variant(self, person: Person) -> str:
        rng = self.rng
        name = person.family
        if person.old_family and rng.random() < 0.5:
            name = person.old_family
        if "-" in name and rng.random() < 0.4:
            name = rng.choice(name.split("-"))
        roll = rng.random()
        if roll < 0.03:
            return self.typo(name.lower()).title()
        if roll < 0.035:
            return ""
        return name

    def dob_variant(self, dob: date) -> str:
        rng = self.rng
        text = dob.isoformat()
        roll = rng.random()
        if roll < 0.012 and dob.day <= 12 and dob.day != dob.month:
            return f"{dob.year}-{dob.day:02d}-{dob.month:02d}"
        if roll < 0.03:
            i = rng.choice((3, 6, 9))
            return text[:i] + str(rng.randrange(10)) + text[i + 1 :]
        if roll < 0.04:
            return ""
        return text

    def postcode_variant(self, code: str) -> str:
        roll = self.rng.random()
        if roll < 0.05:
            return ""
        if roll < 0.07:
            return code.replace(" ", "").lower()
        if roll < 0.085:
            return self.typo(code)
        return code

    def address_variant(self, street: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.1:
            return ""
        if roll < 0.35:
            number, *rest = street.split()
            short = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln"}
            return " ".join([number, *[short.get(w, w) for w in rest]]).upper()
        if roll < 0.38:
            return self.typo(street)
        return street

    def id_variant(self, value: str, presence: float) -> str:
        rng = self.rng
        if rng.random() >= presence:
            return ""
        if rng.random() < 0.01:
            i = rng.randrange(1, len(value))
            return value[:i] + str(rng.randrange(10)) + value[i + 1 :]
        return value


def generate(records: int, seed: int = 1) -> list[dict[str, str]]:
    """About `records` agency records (exactly that many, after trimming the last family)."""
    generator = Generator(seed)
    rows: list[dict[str, str]] = []
    while len(rows) < records:
        for person in generator.family():
            rows.extend(generator.records(person))
    del rows[records:]
    generator.rng.shuffle(rows)
    return rows


def write_csv(rows: list[dict[str, str]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
