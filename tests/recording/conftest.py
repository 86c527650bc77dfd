from __future__ import annotations

import re

import pytest

from tests.family.conftest import Family, family_user, make_family

HIDDEN = re.compile(r"<input[^>]*type=\"hidden\"[^>]*>")
NAME = re.compile(r'name="([^"]+)"')
VALUE = re.compile(r'value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """The form's own hidden fields (CSRF token, versions), as a browser would send them."""
    found = {}
    for tag in HIDDEN.findall(html):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            found[name[1]] = value[1] if value else ""
    return found


@pytest.fixture
def fam(db) -> Family:
    return make_family()


@pytest.fixture
def mother_user(fam):
    return family_user(fam, fam.mother, "jodie@example.net")


@pytest.fixture
def father_user(fam):
    return family_user(fam, fam.father, "dean@example.net")
