"""The production settings pass Django's deploy checklist."""

import os
import secrets
import subprocess
import sys


def test_check_deploy_is_clean():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="cdtt.settings_production", CDTT_SECRET_KEY=secrets.token_urlsafe(60)
    )
    result = subprocess.run(
        [sys.executable, "-m", "cdtt", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_missing_secret_key():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cdtt.settings_production",
        "CDTT_SECRET_KEY": "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "cdtt", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "CDTT_SECRET_KEY" in result.stderr
