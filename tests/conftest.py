from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def school(db):
    return factories.organisation("Oakfield Primary School")


@pytest.fixture
def other_org(db):
    return factories.organisation("Unrelated Housing Association", sector="housing")


@pytest.fixture
def teacher(school):
    return factories.practitioner(school)


@pytest.fixture
def outsider(other_org):
    """A practitioner of an organisation with no involvement: must be refused everywhere."""
    return factories.practitioner(other_org, profession="housing_officer")


@pytest.fixture
def child(school):
    c = factories.person("Maya", "Jones", nhs_number="9434765919")
    factories.involvement(school, c)
    return c
