"""The demo's family accounts: the Carters (a refuge) and parents in generated families."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from joinedup.audit import services as audit
from joinedup.demo import loader
from joinedup.demo.family import (
    FAMILY_SIGN_INS,
    REFUGE_ADDRESS,
    REFUGE_POSTCODE,
    family_sign_ins,
)
from joinedup.demo.partnership import DEMO_PASSWORD
from joinedup.family.models import FamilyAccount
from tests.family.test_refuge import appears, family_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    loader.load(families=25, seed=2026)


def _signed_in(email: str) -> Client:
    client = Client()
    response = client.post(
        "/sign-in/", {"username": email, "password": DEMO_PASSWORD, "next": "/family/"}
    )
    assert response.status_code == 302 and response["Location"] == "/family/", email
    return client


def test_every_demo_family_sign_in_works(demo, capsys):
    rows = family_sign_ins()
    assert len(rows) >= len(FAMILY_SIGN_INS) + 2
    for _, email in rows:
        assert _signed_in(email).get("/family/").status_code == 200
    call_command("demo_family_sign_ins")
    printed = capsys.readouterr().out
    assert all(email in printed for _, email in rows) and DEMO_PASSWORD in printed
    assert audit.verify().ok


def test_the_demo_father_never_sees_the_refuge_address(demo):
    client = _signed_in("dean.carter@family.example")
    episode = client.get("/api/v1/family/episodes").json()[0]["id"]
    plan = client.get(f"/api/v1/family/episodes/{episode}").json()
    action = next(a["id"] for o in plan["outcomes"] for a in o["actions"])
    shown = "\n".join(
        client.get(url).content.decode() for url in family_urls(client, episode, action)
    )
    assert "Mia Carter" in shown and "Tyler is back in school every day" in shown
    for secret in (REFUGE_ADDRESS, REFUGE_POSTCODE, "Quayside Row", "Lantern House"):
        assert not appears(secret, shown), secret
    assert "Safe Harbour" not in shown and "Maria Silva" not in shown
    # Nor the children's school: it would tell him where they are.
    assert "Oakfield" not in shown and "Amira Khan" not in shown
    # Jodie, who lives there, sees her own address.
    home = _signed_in("jodie.carter@family.example").get("/family/").content.decode()
    assert REFUGE_ADDRESS in home


def test_loading_again_adds_no_family_accounts(demo):
    count = FamilyAccount.objects.count()
    loader.load(families=25, seed=2026)
    assert FamilyAccount.objects.count() == count
