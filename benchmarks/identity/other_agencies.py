"""A second synthetic data set, written apart from the model, with a different error model.

    python benchmarks/identity/other_agencies.py --people 100000 --seed 2 --out other.csv

The project's own generator (`joinedup.identity.linkage.synthetic`) was written beside the model,
so a model tuned on it may have learnt it. This one was written separately, from what agencies'
records are known to get wrong, and shares no code, name list or rate with it:

- other agencies, holding identifiers at other rates: a hospital trust, an ambulance service,
  a nursery, education welfare, youth justice, a housing association, a food bank;
- names from several cultures, with the spellings transliteration gives (Mohammed / Muhammad /
  Mohamad, Oleksandr / Aleksandr / Olexander, Chaudhry / Choudhury / Chowdhury);
- double-barrelled family names recorded whole, as one part, or run together;
- given and family names swapped, names in capitals, middle names in the given-name field;
- dates of birth with day and month swapped, a day out, a year mistyped, or in the UK
  dd/mm/yyyy layout;
- people who moved (a new address and postcode), postcode typos, flats written two ways;
- NHS numbers with two digits transposed (which fail the check digit), and none at all in most
  agencies outside health;
- siblings (most households) and twins (5% of later children);
- duplicate records inside one agency.

Each row carries `true_person`, the person it was made from. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

# Each entry is one name and the spellings agencies write it with (first: the usual one).
GIVEN_F = [
    ["Fatima", "Fatimah", "Fatema"], ["Aisha", "Ayesha", "Aishah"], ["Maryam", "Mariam", "Miriam"],
    ["Zainab", "Zaynab", "Zeinab"], ["Khadija", "Khadijah", "Khadeeja"], ["Noor", "Nur"],
    ["Priya"], ["Harpreet"], ["Simranjit", "Simranjeet"], ["Anjali"], ["Lakshmi", "Laxmi"],
    ["Katarzyna", "Katarzyna"], ["Agnieszka"], ["Zuzanna", "Zuzana"], ["Oksana", "Oxana"],
    ["Yulia", "Yuliya", "Julia"], ["Natalia", "Natalya", "Nataliya"], ["Olga"],
    ["Ruby"], ["Poppy"], ["Evie", "Evey"], ["Jessica"], ["Chloe"], ["Megan", "Meghan"],
    ["Lily", "Lilly", "Lillie"], ["Grace"], ["Sophie", "Sofie"], ["Olivia"], ["Isla"],
    ["Amelia"], ["Ava"], ["Freya"], ["Esme", "Esmee"], ["Chantelle", "Shantelle"], ["Nevaeh"],
    ["Precious"], ["Blessing"], ["Chiamaka"], ["Adaeze"], ["Abena"], ["Ama"],
]  # fmt: skip
GIVEN_M = [
    ["Mohammed", "Muhammad", "Mohamed", "Mohammad", "Muhammed"], ["Ahmed", "Ahmad", "Ahmet"],
    ["Abdul-Rahman", "Abdulrahman", "Abdur Rahman"], ["Yusuf", "Yousef", "Youssef"],
    ["Omar", "Umar"], ["Hussain", "Hussein", "Husain"], ["Ibrahim", "Ebrahim"], ["Hamza"],
    ["Arjun"], ["Rohan"], ["Gurpreet"], ["Sanjay", "Sanjai"], ["Vikram", "Vikram"],
    ["Oleksandr", "Aleksandr", "Olexander", "Alexander"], ["Sergiy", "Serhiy", "Sergei", "Sergey"],
    ["Dmytro", "Dmitri", "Dmitry"], ["Wojciech"], ["Krzysztof"], ["Jakub"], ["Mateusz"],
    ["Jan"], ["Tomasz"], ["Andrei", "Andrey", "Andrii"], ["Mihai"],
    ["Jack"], ["Harry"], ["Oliver"], ["George"], ["Noah"], ["Leo"], ["Oscar"], ["Alfie"],
    ["Charlie"], ["Freddie", "Freddy"], ["Jayden", "Jaden", "Jaiden"], ["Kai", "Kye"],
    ["Tyler"], ["Riley", "Ryley"], ["Chinedu"], ["Kwabena"], ["Oluwaseun", "Seun"],
]  # fmt: skip
# Familiar forms an agency may be given instead (the model's table need not know them).
FAMILIAR = {
    "Oleksandr": ["Sasha", "Sashko"], "Aleksandr": ["Sasha"], "Dmytro": ["Dima"],
    "Katarzyna": ["Kasia"], "Agnieszka": ["Aga"], "Natalia": ["Natasha"], "Yulia": ["Yula"],
    "Wojciech": ["Wojtek"], "Krzysztof": ["Krzys"], "Jakub": ["Kuba"], "Mateusz": ["Mati"],
    "Tomasz": ["Tomek"], "Mohammed": ["Mo"], "Muhammad": ["Mo"], "Ibrahim": ["Ibby"],
    "Abdul-Rahman": ["Abdul"], "Harpreet": ["Harpi"], "Gurpreet": ["Guri"],
    "Oluwaseun": ["Seun"], "Jessica": ["Jess"], "Oliver": ["Ollie"], "Harry": ["Haz"],
    "Charlie": ["Chaz"], "Freddie": ["Fred"], "Megan": ["Meg"], "Sophie": ["Soph"],
}  # fmt: skip
FAMILY = [
    ["Khan", "Kahn"], ["Ahmed", "Ahmad"], ["Hussain", "Hussein", "Husain"],
    ["Chaudhry", "Choudhury", "Chowdhury", "Chaudhary"], ["Rahman", "Rehman"],
    ["Al-Sayed", "Al Sayed", "Alsayed", "El-Sayed"], ["Abdullah", "Abdulla"],
    ["Mohamud", "Mohamoud", "Mahmoud"], ["Patel"], ["Sharma"], ["Singh"], ["Kaur"],
    ["Begum"], ["Islam"], ["Miah", "Mia"], ["Uddin", "Udin"], ["Gupta"],
    ["Kowalski"], ["Nowak"], ["Wisniewski", "Wiśniewski"], ["Wojcik", "Wójcik"],
    ["Kaminski", "Kamiński"], ["Lewandowski"], ["Zielinski", "Zieliński"],
    ["Shevchenko", "Shevchenco"], ["Kovalenko", "Kovalenco"], ["Bondarenko"],
    ["Popescu"], ["Ionescu"], ["Petrov", "Petroff"], ["Ivanov", "Ivanoff"],
    ["Okonkwo"], ["Adeyemi"], ["Mensah"], ["Owusu"], ["Asante"],
    ["Smith"], ["Jones"], ["Taylor"], ["Brown"], ["Wilson"], ["Evans"], ["Walker"],
    ["Wright"], ["Robinson"], ["Thompson"], ["Hughes"], ["Edwards"], ["Green"], ["Hall"],
    ["Wood"], ["Clarke", "Clark"], ["Lewis"], ["Harris"], ["Jackson"], ["Turner"],
    ["Mcdonald", "MacDonald", "McDonald"], ["O'Neill", "ONeill", "O Neill"], ["Murphy"],
    ["Byrne", "Burne"], ["Stewart", "Stuart"], ["Morgan"], ["Price"], ["Bennett"],
]  # fmt: skip
PLACES = ["Ashgrove", "Blackthorn", "Coppice", "Dovecote", "Elmtree", "Foxhill", "Gorse",
          "Heather", "Ivydene", "Juniper", "Kestrel", "Larch", "Marsh", "Nightingale",
          "Orchard", "Primrose", "Quarry", "Rowan", "Sycamore", "Tannery", "Upton",
          "Vicarage", "Wharf", "Yew"]  # fmt: skip
KINDS = ["Road", "Street", "Lane", "Close", "Way", "Rise", "View", "Walk", "Court", "Mews"]
OUTWARD = ["OL", "BB", "PR", "WN", "BL", "SK", "CW", "ST", "DE", "NN", "PE", "CB", "IP", "NR"]
UNIT = "ABDEFGHJLNPQRSTUWXYZ"

# agency: (chance it holds a record of a person, of an NHS number on it, of a UPN on it)
AGENCIES = {
    "hospital": (0.55, 0.92, 0.0),
    "ambulance": (0.12, 0.40, 0.0),
    "nursery": (0.25, 0.10, 0.0),
    "education_welfare": (0.45, 0.05, 0.85),
    "youth_justice": (0.08, 0.20, 0.30),
    "housing": (0.30, 0.0, 0.0),
    "food_bank": (0.10, 0.0, 0.0),
}
# Each agency's habits: swapped name fields, capitals, dd/mm/yyyy dates, missing date of birth.
HABITS = {
    "hospital": (0.01, 0.0, 0.0, 0.0), "ambulance": (0.04, 1.0, 0.0, 0.15),
    "nursery": (0.01, 0.0, 1.0, 0.0), "education_welfare": (0.02, 0.0, 0.0, 0.01),
    "youth_justice": (0.03, 1.0, 1.0, 0.02), "housing": (0.05, 0.0, 1.0, 0.25),
    "food_bank": (0.06, 0.0, 0.0, 0.40),
}  # fmt: skip
DUPLICATE = 0.05
LAST_BIRTH = date(2025, 6, 1)
FIELDS = ("source", "record_id", "given_name", "family_name", "date_of_birth", "sex",
          "postcode", "address", "nhs_number", "upn", "other_id", "true_person")  # fmt: skip


@dataclass
class Person:
    number: int
    given: list[str]  # spellings
    middle: str
    family: list[list[str]]  # one or two parts, each with its spellings
    dob: date
    sex: str
    home: tuple[str, str]
    moved_to: tuple[str, str] | None
    nhs: str
    upn: str


def valid_nhs(rng: random.Random) -> str:
    while True:
        digits = [rng.randrange(10) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


class OtherAgencies:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.number = 0
        self.serial: dict[str, int] = dict.fromkeys(AGENCIES, 0)

    def home(self) -> tuple[str, str]:
        r = self.rng
        unit = r.choice(UNIT) + r.choice(UNIT)
        code = f"{r.choice(OUTWARD)}{r.randint(1, 40)} {r.randint(1, 9)}{unit}"
        flat = f"Flat {r.randint(1, 12)}, " if r.random() < 0.2 else ""
        return code, f"{flat}{r.randint(1, 250)} {r.choice(PLACES)} {r.choice(KINDS)}"

    def household(self) -> list[Person]:
        r = self.rng
        family = [r.choice(FAMILY)]
        if r.random() < 0.08:
            family.append(r.choice(FAMILY))
        home = self.home()
        moved = self.home() if r.random() < 0.2 else None
        size = r.choices((1, 2, 3, 4, 5), (0.3, 0.35, 0.2, 0.1, 0.05))[0]
        born = date(2006, 1, 1) + timedelta(days=r.randrange(19 * 365))
        people, used = [], set()
        for index in range(size):
            twin = index > 0 and r.random() < 0.05
            if index > 0 and not twin:
                born = born + timedelta(days=r.randint(330, 1600))
            if born > LAST_BIRTH:
                break
            sex = r.choice("MF")
            pool = GIVEN_F if sex == "F" else GIVEN_M
            given = r.choice(pool)
            while given[0] in used:
                given = r.choice(pool)
            used.add(given[0])
            self.number += 1
            people.append(
                Person(
                    self.number,
                    given,
                    r.choice(pool)[0],
                    family,
                    born,
                    sex,
                    home,
                    moved,
                    valid_nhs(r),
                    self.upn(),
                )
            )
        return people

    def upn(self) -> str:
        r = self.rng
        return r.choice("ABCDEFGHJKLMNPRSTUVWXYZ") + "".join(
            str(r.randrange(10)) for _ in range(12)
        )

    def records(self, person: Person) -> Iterator[dict[str, str]]:
        held = [a for a, (p, _, _) in AGENCIES.items() if self.rng.random() < p]
        if not held:
            held = [self.rng.choice(list(AGENCIES))]
        for agency in held:
            yield self.record(person, agency)
            if self.rng.random() < DUPLICATE:
                yield self.record(person, agency)

    # ---- one agency's record, with that agency's habits and errors ----

    def record(self, p: Person, agency: str) -> dict[str, str]:
        r = self.rng
        _, has_nhs, has_upn = AGENCIES[agency]
        swap, capitals, uk_dates, no_dob = HABITS[agency]
        self.serial[agency] += 1
        given, family = self.given(p), self.family(p)
        if r.random() < swap:
            given, family = family, given
        if capitals:
            given, family = given.upper(), family.upper()
        code, address = p.moved_to if p.moved_to and r.random() < 0.5 else p.home
        return {
            "source": agency,
            "record_id": f"{agency[:3].upper()}{self.serial[agency]:08d}",
            "given_name": given,
            "family_name": family,
            "date_of_birth": "" if r.random() < no_dob else self.dob(p.dob, uk_dates),
            "sex": self.sex(p.sex),
            "postcode": self.postcode(code),
            "address": self.address(address),
            "nhs_number": self.nhs(p.nhs) if r.random() < has_nhs else "",
            "upn": p.upn if r.random() < has_upn else "",
            "other_id": "",
            "true_person": str(p.number),
        }

    def given(self, p: Person) -> str:
        r = self.rng
        roll = r.random()
        name = p.given[0] if roll < 0.75 or len(p.given) == 1 else r.choice(p.given[1:])
        if name in FAMILIAR and r.random() < 0.08:
            name = r.choice(FAMILIAR[name])
        if r.random() < 0.05:
            name = f"{name} {p.middle}"
        return self.typo(name, 0.04)

    def family(self, p: Person) -> str:
        r = self.rng
        parts = [
            r.choice(spellings) if r.random() < 0.2 else spellings[0] for spellings in p.family
        ]
        if len(parts) == 2:
            form = r.random()
            if form < 0.2:
                parts = parts[:1]
            elif form < 0.35:
                parts = parts[1:]
            elif form < 0.45:
                return self.typo(" ".join(parts), 0.03)
        return self.typo("-".join(parts), 0.03)

    def typo(self, text: str, chance: float) -> str:
        r = self.rng
        if len(text) < 4 or r.random() >= chance:
            return text
        i = r.randrange(1, len(text) - 1)
        kind = r.random()
        if kind < 0.3:
            return text[:i] + text[i + 1 :]  # a letter dropped
        if kind < 0.6:
            return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # two letters swapped
        if kind < 0.8:
            return text[:i] + text[i] + text[i:]  # a letter doubled
        return text[:i] + r.choice("aeiouy") + text[i + 1 :]  # a vowel misheard

    def dob(self, born: date, uk: float) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.03 and born.day <= 12:
            born = date(born.year, born.day, born.month)
        elif roll < 0.05:
            born = born + timedelta(days=r.choice((-1, 1)))
        elif roll < 0.06:
            born = date(born.year + r.choice((-1, 1)), born.month, min(born.day, 28))
        if r.random() < uk:
            return born.strftime("%d/%m/%Y")
        return born.isoformat()

    def sex(self, sex: str) -> str:
        r = self.rng.random()
        if r < 0.05:
            return ""
        if r < 0.3:
            return {"M": "Male", "F": "Female"}[sex]
        return sex

    def postcode(self, code: str) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.06:
            return ""
        if roll < 0.09:
            unit = code[-2:]
            return code[:-2] + unit[::-1]  # the last two letters swapped
        return code if r.random() < 0.7 else code.replace(" ", "")

    def address(self, address: str) -> str:
        r = self.rng
        if r.random() < 0.05:
            return ""
        if address.startswith("Flat") and r.random() < 0.5:
            flat, rest = address.split(", ", 1)
            return f"{rest}, {flat}"
        return address

    def nhs(self, number: str) -> str:
        r = self.rng
        if r.random() < 0.01:  # two digits transposed: usually fails the check digit
            i = r.randrange(8)
            number = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        return number if r.random() < 0.8 else f"{number[:3]} {number[3:6]} {number[6:]}"

    def generate(self, people: int) -> Iterator[dict[str, str]]:
        while self.number < people:
            for person in self.household():
                yield from self.records(person)


def write(people: int, seed: int, out: Path) -> int:
    rows = 0
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        for row in OtherAgencies(seed).generate(people):
            writer.writerow(row)
            rows += 1
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    rows = write(args.people, args.seed, args.out)
    print(f"{rows} records about {args.people} people written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
