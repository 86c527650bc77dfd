"""The `joinedup` command as an operator meets it: real processes, real environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

JOINEDUP = [sys.executable, "-m", "joinedup.config.cli"]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [*JOINEDUP, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
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
