"""The production settings behind gunicorn on a loopback port: health check, a static file and
a login (scripts/smoke-production, bounded by its own deadline)."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "smoke-production"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_the_app_runs_behind_gunicorn_with_the_production_settings():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--port", str(_free_port()), "--timeout", "240"],
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert "production smoke test passed" in done.stdout
