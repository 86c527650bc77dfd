from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def partnership_office(db):
    return factories.organisation("Early Help Hub", sector="statutory")


@pytest.fixture
def dpo(partnership_office):
    return factories.practitioner(
        partnership_office, roles=("data_protection_officer",), profession="data_protection_officer"
    )
