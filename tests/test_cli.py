"""The `joinedup` command as an operator meets it: real processes, real environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

JOINEDUP = [sys.executable, "-m", "joinedup.config.cli"]


def _environment() -> dict[str, str]:
    """This process's environment without the test settings, nor the browser tests'
    DJANGO_ALLOW_ASYNC_UNSAFE (set here when they ran first), which the deployment checks refuse."""
    leave_out = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {k: v for k, v in os.environ.items() if k not in leave_out}


def run(args: list[str], timeout: int = 120, **env: str) -> subprocess.CompletedProcess[str]:
    environment = _environment()
    environment.update(env)
    return subprocess.run(
        [*JOINEDUP, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )


def test_an_unknown_option_exits_non_zero_with_usage(tmp_path: Path):
    result = run(
        ["demo", "--no-such-option"],
        JOINEDUP_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode != 0
    assert "usage:" in result.stderr and "--no-such-option" in result.stderr


def test_a_malformed_database_url_stops_start_up_naming_it():
    result = run(["check"], JOINEDUP_DEBUG="true", DATABASE_URL="nonsense://::what")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_it_refuses_to_start_without_a_secret_key_outside_debug():
    result = run(["check"], JOINEDUP_DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_deployment_checks_pass_with_production_settings(tmp_path: Path):
    result = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        JOINEDUP_DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="joinedup.example.org",
        JOINEDUP_HTTPS="true",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("command", ["check-audit", "demo", "serve", "demo-sign-ins"])
def test_commands_are_listed_with_help(command):
    result = run([command, "--help"], JOINEDUP_DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


PRODUCTION = {
    "JOINEDUP_DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "127.0.0.1,joinedup.example.org",
}


def test_serve_refuses_plain_http_unless_asked_for_explicitly(tmp_path: Path):
    db = f"sqlite:///{tmp_path}/db.sqlite3"
    result = run(["serve", "--no-migrate"], JOINEDUP_HTTPS="false", DATABASE_URL=db, **PRODUCTION)
    assert result.returncode != 0
    assert "--plain-http" in result.stderr
    result = run(["serve", "--plain-http"], JOINEDUP_HTTPS="true", DATABASE_URL=db, **PRODUCTION)
    assert result.returncode != 0
    assert "JOINEDUP_HTTPS=false" in result.stderr


@pytest.fixture(scope="module")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated database for every server started below (each starts with --no-migrate)."""
    home = tmp_path_factory.mktemp("serve")
    database = f"sqlite:///{home}/db.sqlite3"
    result = run(["migrate", "--noinput"], timeout=600, DATABASE_URL=database, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    return home


def _serve(tmp_path: Path, port: int, *args: str, **env: str) -> subprocess.Popen[str]:
    environment = _environment()
    environment.update(PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", **env)
    environment["JOINEDUP_VAR"] = str(tmp_path)
    command = ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-migrate"]
    command.append("--quiet-access-log")
    return subprocess.Popen(
        [*JOINEDUP, *command, *args],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(server: subprocess.Popen[str], port: int, path: str, **headers: str) -> tuple[int, str]:
    """One request, not following redirects, retried while the server starts (up to 90 s).
    A server that exits instead fails the test with what it printed."""
    import http.client
    import time

    deadline = time.monotonic() + 90
    while True:
        if server.poll() is not None:
            _, stderr = server.communicate()
            pytest.fail(f"the server exited with {server.returncode}:\n{stderr}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
            response = connection.getresponse()
            return response.status, response.getheader("Location") or ""
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@pytest.mark.parametrize(
    ("https", "args", "headers", "expected"),
    [
        # An internal network, asked for explicitly: pages over plain HTTP.
        ("false", ["--plain-http"], {}, (200, "")),
        # Behind a TLS-terminating proxy: its X-Forwarded-Proto says the request came by HTTPS.
        ("true", [], {"X-Forwarded-Proto": "https"}, (200, "")),
        # The same server reached around the proxy, by HTTP: sent to HTTPS.
        ("true", [], {}, (301, "https://127.0.0.1/sign-in/")),
    ],
)
def test_serve_behind_a_tls_proxy_or_on_plain_http(served_db, https, args, headers, expected):
    port = _free_port()
    server = _serve(served_db, port, *args, JOINEDUP_HTTPS=https)
    try:
        assert _get(server, port, "/sign-in/", **headers) == expected
    finally:
        server.terminate()
        server.wait(timeout=30)
