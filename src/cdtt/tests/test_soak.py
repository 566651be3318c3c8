"""A short soak: scripts/soak for 30 seconds of mixed page, API and visit traffic with resends
against gunicorn on a loopback port: 0 errors, 0 lost writes (the 10-minute run's figures are
in the README)."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "soak"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_half_a_minute_of_traffic_loses_nothing():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--seconds", "30", "--port", str(_free_port())],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["errors"] == 0 and figures["lost_writes"] == 0
    assert figures["visits_created"] > 0 and figures["visits_stored"] == figures["visits_created"]
