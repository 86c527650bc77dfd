"""Checks for the identifiers agencies hold: NHS numbers, unique pupil numbers, postcodes.

Each check exists twice on purpose: in Python, for a clear message on a form or an import row,
and as a database expression, so that nothing written past the forms can break it.
"""

from __future__ import annotations

import re
from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import F, IntegerField, Q, Value
from django.db.models.functions import Cast, Length, Mod, Substr
from django.db.models.lookups import Exact, GreaterThanOrEqual, LessThanOrEqual

NHS_WEIGHTS = range(10, 1, -1)  # digits 1-9 are weighted 10 down to 2
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
UPN_RE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus 11 check digit, or None when no valid number can start with these digits."""
    total = sum(int(d) * w for d, w in zip(first_nine, NHS_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def is_valid_nhs_number(value: str) -> bool:
    digits = normalise_nhs_number(value)
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def validate_nhs_number(value: str) -> None:
    if value and not is_valid_nhs_number(value):
        raise ValidationError(
            "Enter a valid NHS number: 10 digits whose last digit is the check digit.",
            code="invalid_nhs_number",
        )


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s", "", (value or "").upper())
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def validate_postcode(value: str) -> None:
    if value and not POSTCODE_RE.match(normalise_postcode(value)):
        raise ValidationError("Enter a real postcode, like SW1A 1AA.", code="invalid_postcode")


def validate_upn(value: str) -> None:
    if value and not UPN_RE.match(value.upper()):
        raise ValidationError(
            "Enter a valid unique pupil number: a letter, 11 digits and a letter or digit.",
            code="invalid_upn",
        )


def nhs_number_check(field: str) -> Q:
    """A CHECK constraint: empty, or ten digits whose tenth is the modulus 11 check digit.

    Portable SQL for SQLite and PostgreSQL: each character compared as text, then the weighted sum.
    """
    chars = [Substr(F(field), i, 1) for i in range(1, 11)]
    valid = Q(Exact(Length(F(field)), 10))
    for char in chars:
        valid &= Q(GreaterThanOrEqual(char, Value("0"))) & Q(LessThanOrEqual(char, Value("9")))
    weighted = reduce(
        lambda total, term: total + term,
        (Cast(c, IntegerField()) * w for c, w in zip(chars[:9], NHS_WEIGHTS, strict=True)),
    )
    remainder = Mod(weighted, 11)
    check = Cast(chars[9], IntegerField())
    valid &= (Q(Exact(remainder, 0)) & Q(Exact(check, 0))) | Q(Exact(Value(11) - remainder, check))
    return Q(**{field: ""}) | valid
