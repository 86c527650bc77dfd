"""Normalisation of one agency record's fields into the shape the linkage model compares.

One implementation serves both the batch run (applied to each distinct value of a column, so a
million rows cost only as much as their distinct values) and the real-time matcher (applied to
the one new record), so a record is always normalised the same way in both.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache
from importlib import resources

# Values agencies use to mean "not recorded": missing, but not an error worth counting.
MISSING_TOKENS = frozenset({"", "-", "na", "n/a", "null", "none", "unknown", "not known", "nk"})

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
UPN_RE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")
DOB_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# Dates as agencies write them: ISO first, then the UK's day-first layouts, then compact digits.
DOB_LAYOUTS = (
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$"), (3, 2, 1)),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), (1, 2, 3)),
)
EPOCH = date(1970, 1, 1)
NHS_WEIGHTS = range(10, 1, -1)  # digits 1-9 are weighted 10 down to 2

SEX_CODES = {
    "m": "M", "male": "M", "boy": "M", "1": "M",
    "f": "F", "female": "F", "girl": "F", "2": "F",
}  # fmt: skip
SEX_UNKNOWN = frozenset({"u", "x", "0", "9", "not stated", "indeterminate", "other"})

ADDRESS_WORDS = {
    "street": "st", "road": "rd", "avenue": "ave", "lane": "ln", "close": "cl", "drive": "dr",
    "crescent": "cres", "court": "ct", "place": "pl", "gardens": "gdns", "terrace": "ter",
    "square": "sq", "grove": "gr", "park": "pk", "way": "wy", "mount": "mt", "apartment": "flat",
}  # fmt: skip


def is_missing(raw: str | None) -> bool:
    return raw is None or raw.strip().lower() in MISSING_TOKENS


def _unaccented(value: str) -> str:
    lowered = value.lower()
    if lowered.isascii():  # the common case, and a large share of a batch run's time
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _letters(value: str) -> str:
    """Lower case, accents removed, apostrophes dropped (O'Brien = OBrien), other marks spaced."""
    plain = re.sub(r"['’`]", "", _unaccented(value))
    return re.sub(r"[^a-z\- ]+", " ", plain)


# Arabic names whose first part is not a name on its own: Abdul Rahman is one given name.
JOINED_PREFIXES = frozenset({"abd", "abdul", "abdel", "abdal", "abdur", "abu", "al", "el"})


def given_name(raw: str) -> str | None:
    # The first forename only: middle names are recorded too inconsistently to compare.
    words = _letters(raw).replace("-", " ").split()
    if len(words) > 1 and words[0] in JOINED_PREFIXES:
        return words[0] + words[1]
    return words[0] if words else None


def family_name(raw: str) -> str | None:
    """Parts joined by hyphens, so "Smith Jones" and "Smith-Jones" are the same name."""
    parts = [p for p in re.split(r"[\s\-]+", _letters(raw)) if p]
    return "-".join(parts) if parts else None


def sound_key(name: str | None) -> str | None:
    """A name's consonant skeleton, so spellings of one transliterated name agree.

    Mohammed, Muhammad and Mohamed -> "md"; Chaudhry, Choudhury and Chowdhury -> "kdr";
    Oleksandr and Olexander -> "lksndr". Vowels (bar a first one), h, w and y are dropped,
    c, q and ck become k, ph f, x ks, z s, and doubled letters count once.
    """
    if not name:
        return None
    text = name.replace("-", "").replace(" ", "")
    for old, new in (("ph", "f"), ("ck", "k"), ("q", "k"), ("x", "ks"), ("z", "s"), ("c", "k")):
        text = text.replace(old, new)
    if not text:
        return None
    head = "a" if text[0] in "aeiouy" else text[0]
    key = re.sub(r"(.)\1+", r"\1", head + re.sub(r"[aeiouyhw]", "", text[1:]))
    return key if len(key) >= 2 else None


def names_key(given: str | None, family: str | None) -> str | None:
    """Both names in alphabetical order: the same key when given and family are swapped."""
    if not given or not family:
        return None
    return "|".join(sorted((given, family)))


def dob_days(dob: str | None) -> int | None:
    """Days since 1970 of an ISO date, for "within a month" comparisons."""
    return (date.fromisoformat(dob) - EPOCH).days if dob else None


def family_name_parts(name: str | None) -> list[str] | None:
    if name is None:
        return None
    return [p for p in name.split("-") if len(p) > 1] or [name]


def _date_parts(text: str) -> tuple[int, int, int] | None:
    for pattern, (y, m, d) in DOB_LAYOUTS:
        match = pattern.match(text)
        if match:
            return int(match[y]), int(match[m]), int(match[d])
    return None


def date_of_birth(raw: str) -> str | None:
    """An ISO date; day-first UK dates (4/3/2015 is 4 March) and yyyymmdd are understood."""
    text = raw.strip().split("T")[0].split(" ")[0]
    parts = _date_parts(text)
    if parts is None:
        return None
    try:
        parsed = date(*parts)
    except ValueError:
        return None
    if parsed.year < 1900 or parsed > date.today():
        return None
    return parsed.isoformat()


def sex(raw: str) -> str | None:
    return SEX_CODES.get(raw.strip().lower())


def postcode(raw: str) -> str | None:
    match = POSTCODE_RE.match(re.sub(r"\s+", "", raw.upper()))
    return f"{match[1]} {match[2]}" if match else None


def postcode_sector(code: str | None) -> str | None:
    # "LS6 2AB" -> "LS6 2": the neighbourhood, a few hundred homes.
    return code[:-2] if code else None


def address(raw: str) -> str | None:
    words = re.sub(r"[^a-z0-9 ]+", " ", _unaccented(raw)).split()
    words = [ADDRESS_WORDS.get(w, w) for w in words]
    return " ".join(words) if words else None


# Words before the street's own name that say which part of a building it is.
NOT_STREET_NAMES = frozenset({"flat", "apt", "unit", "room", "floor", "block", "the"})
# Words that say the number after them is a flat's, not the building's.
FLAT_WORDS = NOT_STREET_NAMES - {"the"}


def address_number(text: str | None) -> str | None:
    """The house number (or name's first word when there is no number), to tell neighbours
    apart; with a flat's number after it, whether the flat was written first or last ("flat 6
    136 tannery close" and "136 tannery close flat 6" are both "136/6")."""
    if not text:
        return None
    words = text.split()
    flat = None
    if len(words) > 2 and words[0] in FLAT_WORDS and _has_digit(words[1]):
        flat, words = words[1], words[2:]
    elif len(words) > 2 and words[-2] in FLAT_WORDS and _has_digit(words[-1]):
        flat, words = words[-1], words[:-2]
    house = next((word for word in words if _has_digit(word)), None)
    if house is None:
        return flat or words[0]
    return f"{house}/{flat}" if flat else house


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def street_name(text: str | None) -> str | None:
    """The street's first word after the house number ("12 cedar ave" -> "cedar"), so a home
    can be found when its postcode is mistyped or missing."""
    if not text:
        return None
    for word in text.split():
        if word.isalpha() and len(word) > 2 and word not in NOT_STREET_NAMES:
            return word
    return None


def home_key(text: str | None) -> str | None:
    """House number and street name: one home, wherever the postcode went."""
    number, street = address_number(text), street_name(text)
    if number is None or street is None or number == street:
        return None
    return f"{number} {street}"


def nhs_number(raw: str) -> str | None:
    """Ten digits whose last is the modulus 11 check digit; anything else is not a number."""
    digits = re.sub(r"[\s\-]", "", raw)
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return None
    total = sum(int(d) * w for d, w in zip(digits[:9], NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return digits if check == int(digits[9]) else None


def upn(raw: str) -> str | None:
    value = re.sub(r"\s+", "", raw.upper())
    return value if UPN_RE.match(value) else None


def other_id(raw: str) -> str | None:
    value = re.sub(r"\s+", "", raw.upper())
    return value or None


@cache
def nickname_groups() -> dict[str, tuple[str, ...]]:
    """Each known given name -> the formal names of every group it belongs to."""
    groups: dict[str, list[str]] = {}
    text = resources.files(__package__).joinpath("nicknames.csv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        names = [n.strip().lower() for n in line.split(",") if n.strip()]
        for name in names:
            formal = groups.setdefault(name, [])
            if names[0] not in formal:
                formal.append(names[0])
    return {name: tuple(formal) for name, formal in groups.items()}


def given_name_groups(name: str | None) -> list[str] | None:
    if name is None:
        return None
    return list(nickname_groups().get(name, (name,)))


def given_name_canonical(name: str | None) -> str | None:
    """One formal name for blocking: Bill and Liam both -> william."""
    if name is None:
        return None
    return nickname_groups().get(name, (name,))[0]


def family_name_canonical(name: str | None) -> str | None:
    """The family name's first part as a given name's formal form, for names written the
    wrong way round: Jackson Wojtek (family name "wojtek" -> wojciech) against Wojciech
    Jackson, and Taylor-Stewart Amelia (given name "taylor") against Amelia Taylor-Stewart."""
    if name is None:
        return None
    return given_name_canonical(name.split("-")[0])


# Raw input column -> the function that normalises it (None means missing or invalid).
FIELD_NORMALISERS = {
    "given_name": given_name,
    "family_name": family_name,
    "date_of_birth": date_of_birth,
    "sex": sex,
    "postcode": postcode,
    "address": address,
    "nhs_number": nhs_number,
    "upn": upn,
    "other_id": other_id,
}
OPTIONAL_FIELDS = tuple(FIELD_NORMALISERS)


def normalise_value(field: str, raw: str | None) -> tuple[str | None, bool]:
    """(normalised value, whether the raw value was present but could not be understood)."""
    if is_missing(raw):
        return None, False
    assert raw is not None
    value = FIELD_NORMALISERS[field](raw)
    if value is None and field == "sex" and raw.strip().lower() in SEX_UNKNOWN:
        return None, False
    return value, value is None


def derived_fields(row: dict[str, str | None]) -> dict[str, object]:
    """The columns the model compares or blocks on that are computed from normalised fields."""
    given, family, dob = row.get("given_name"), row.get("family_name"), row.get("date_of_birth")
    code, addr = row.get("postcode"), row.get("address")
    given_canon, family_canon = given_name_canonical(given), family_name_canonical(family)
    given_sound, family_sound = sound_key(given), sound_key(family)
    return {
        "given_name_groups": given_name_groups(given),
        "given_name_canon": given_canon,
        "given_name_sound": given_sound,
        "family_name_parts": family_name_parts(family),
        "family_name_canon": family_canon,
        "family_name_sound": family_sound,
        "dob_days": dob_days(dob),
        "names_key": names_key(given, family),
        "rare_names_key": names_key(given, family),  # a batch nulls the common ones
        "names_sound_key": names_key(given_sound, family_sound),
        "names_canon_key": names_key(given_canon, family_canon),
        "birth_year": dob[:4] if dob else None,
        "postcode_sector": postcode_sector(code),
        "address_number": address_number(addr),
        "home_key": home_key(addr),
    }


def normalise_record(raw: dict[str, str | None]) -> dict[str, object]:
    """One record as the model sees it: normalised fields plus derived blocking columns."""
    row: dict[str, str | None] = {
        field: normalise_value(field, raw.get(field))[0] for field in OPTIONAL_FIELDS
    }
    return {**row, **derived_fields(row)}
