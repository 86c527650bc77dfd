"""Content-Security-Policy on every page; the one inline script carries the nonce (item 17)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_pages_send_a_policy_that_refuses_scripts_from_elsewhere(client, teacher):
    client.force_login(teacher)
    response = client.get("/")
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self' 'nonce-")
    assert "unsafe-inline" not in policy["script-src"]
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


def test_the_inline_script_carries_the_nonce_of_its_response(client, teacher):
    client.force_login(teacher)
    response = client.get("/")
    nonce = re.search(r"'nonce-([^']+)'", _policy(response)["script-src"]).group(1)
    html = response.content.decode()
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert scripts and all(f'nonce="{nonce}"' in attrs for attrs in scripts)
    assert client.get("/").content.decode().count(nonce) == 0  # a new nonce each response


def test_the_sign_in_page_and_errors_have_the_policy_too(client):
    assert "Content-Security-Policy" in client.get("/sign-in/")
    assert "Content-Security-Policy" in client.get("/no-such-page/")
