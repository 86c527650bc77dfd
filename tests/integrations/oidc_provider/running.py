"""Start the test identity provider as a process of its own, wait until it answers, stop it."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[3]
READY_SECONDS = 120  # a deadline for start-up on a busy machine, not a measured time


@dataclass(frozen=True)
class Provider:
    url: str
    client_id: str
    client_secret: str
    discovery: dict[str, Any]

    @property
    def issuer(self) -> str:
        return str(self.discovery["issuer"])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _discovery(url: str) -> dict[str, Any] | None:
    try:
        answer = requests.get(f"{url}/o/.well-known/openid-configuration", timeout=5)
    except requests.RequestException:
        return None
    return dict(answer.json()) if answer.status_code == 200 else None


def _wait_until_answering(process: subprocess.Popen[bytes], url: str, log: Path) -> dict:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"The identity provider stopped ({process.returncode}):\n"
                + log.read_text(errors="replace")[-3000:]
            )
        found = _discovery(url)
        if found is not None:
            return found
        time.sleep(0.2)
    raise RuntimeError("The identity provider did not answer:\n" + log.read_text()[-3000:])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@contextmanager
def running(
    directory: Path, *, redirect_uri: str, users: dict[str, dict[str, Any]]
) -> Iterator[Provider]:
    """A provider with one confidential client (authorization code, PKCE, RS256) whose redirect
    URI is `redirect_uri`, and the given users (username -> email, password, names,
    email_verified). Its database and key live in `directory`."""
    key = directory / "provider-key.pem"
    key.write_text(_rsa_key_pem(), encoding="ascii")
    client = {
        "name": "joinedup",
        "client_id": "joinedup-" + secrets.token_hex(4),
        "client_secret": secrets.token_urlsafe(32),
        "redirect_uri": redirect_uri,
    }
    config = directory / "provider.json"
    config.write_text(
        json.dumps(
            {
                "database": str(directory / "provider.sqlite3"),
                "private_key": str(key),
                "client": client,
                "users": users,
            }
        ),
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "JOINEDUP_"))}
    env |= {"OIDC_PROVIDER_CONFIG": str(config), "PYTHONUNBUFFERED": "1"}
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = directory / "provider.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.integrations.oidc_provider.serve", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            discovery = _wait_until_answering(process, url, log)
            yield Provider(url, client["client_id"], client["client_secret"], discovery)
        finally:
            _stop(process)
