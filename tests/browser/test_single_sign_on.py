"""Staff sign in through their organisation's identity provider: a real OpenID Connect provider
(django-oauth-toolkit) that this test starts on 127.0.0.1 as its own process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from joinedup.audit.models import AccessEvent
from joinedup.integrations.models import IdentityProvider
from tests import factories
from tests.browser.conftest import assert_accessible, screenshot
from tests.browser.test_request_for_support import sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
import django, os
django.setup()
from django.contrib.auth.models import User
from oauth2_provider.models import Application
User.objects.create_user("sam", "sam.patel@school.example", "provider-pass-1", last_name="Patel")
User.objects.create_user("kim", "kim.new@school.example", "provider-pass-2", last_name="New")
Application.objects.create(
    name="joinedup", client_id="joinedup-rp", client_secret="rp-secret-0123456789",
    client_type="confidential", authorization_grant_type="authorization-code",
    redirect_uris=os.environ["IDP_REDIRECT"], algorithm="RS256", skip_authorization=True,
)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def identity_provider(tmp_path, live_server):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "idp.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_SETTINGS_MODULE": "tests.integrations.idp.settings",
        "IDP_DATABASE": str(tmp_path / "idp.sqlite3"),
        "IDP_PRIVATE_KEY": str(pem),
        "IDP_REDIRECT": f"{live_server.url}/sign-in/organisation/callback/",
        "PYTHONPATH": str(ROOT),
    }
    django_admin = [sys.executable, "-m", "django"]
    subprocess.run([*django_admin, "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True)
    server = subprocess.Popen(
        [*django_admin, "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/o/.well-known/jwks.json", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_teacher_signs_in_through_the_school_provider_and_signs_out(page, identity_provider):
    school = factories.organisation("Oakfield Primary School")
    teacher = factories.practitioner(school)
    teacher.email = "Sam.Patel@school.example"  # matched whatever the case
    teacher.save(update_fields=["email"])
    IdentityProvider.objects.create(
        organisation=school,
        issuer=f"{identity_provider}/o",
        authorization_endpoint=f"{identity_provider}/o/authorize/",
        token_endpoint=f"{identity_provider}/o/token/",
        userinfo_endpoint=f"{identity_provider}/o/userinfo/",
        jwks_uri=f"{identity_provider}/o/.well-known/jwks.json",
        client_id="joinedup-rp",
        client_secret="rp-secret-0123456789",
        email_domains=["school.example"],
    )

    page.set_default_timeout(60_000)  # two servers and a browser on a shared machine
    page.set_default_navigation_timeout(60_000)
    page.goto("/")
    page.get_by_role("heading", name="Sign in to joinedup").wait_for()
    page.get_by_role("link", name="Sign in with your organisation's account").click()
    page.get_by_role("heading", name="Sign in with your organisation's account").wait_for()
    assert_accessible(page)
    page.get_by_label("Work email address").fill("nobody@elsewhere.example")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name=re.compile("Your organisation does not sign in")).wait_for()

    page.get_by_label("Work email address").fill("sam.patel@school.example")
    page.get_by_role("button", name="Continue").click()
    # At the school's own identity provider.
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill("provider-pass-1")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="My people").wait_for()
    screenshot(page, "single-sign-on-signed-in")
    assert page.get_by_role("button", name=re.compile("Sign out")).is_visible()
    assert AccessEvent.objects.filter(actor=teacher).exists() is False  # signing in reads nothing

    # Signing out ends the joinedup session.
    sign_out(page)
    page.goto("/")
    page.get_by_role("heading", name="Sign in to joinedup").wait_for()

    # Someone the provider knows but joinedup does not: refused with a clear page, audited.
    page.context.clear_cookies(name="idp_sessionid")
    page.goto("/sign-in/organisation/")
    page.get_by_label("Work email address").fill("kim.new@school.example")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("provider-pass-2")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="You cannot sign in to joinedup with this account").wait_for()
    assert "kim.new@school.example" in page.content()
    assert_accessible(page)
    screenshot(page, "single-sign-on-refused")
    refused = AccessEvent.objects.get(object_type="sign_in.single_sign_on")
    assert refused.action == "refused" and refused.detail["email"] == "kim.new@school.example"
    assert refused.detail["reason"] == "no practitioner"
