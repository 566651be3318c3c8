"""What every measure of ``cdtt bench`` shares: the row a measure leaves in the results, the
percentiles it reports, and a keep-alive loopback client that times each request."""

import http.client
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
GIB = 1024**3

Out = Callable[[str], None]


class NotMeasured(Exception):
    """A part of the system the measurement needs is missing; the reason says which."""


@dataclass
class Measure:
    """One row of the results: a figure, its reference in the same run, its budget."""

    key: str
    what: str
    measured: float | None
    unit: str
    reference: str = ""
    budget: str = ""
    passed: bool | None = None
    note: str = ""
    details: dict = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class Http:
    """A keep-alive loopback client that times each request."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(
        self, method: str, path: str, *, token: str = "", body: dict | None = None
    ) -> tuple[int, bytes, float]:
        """(status, body, seconds) of one request."""
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            raise
        return response.status, payload, time.perf_counter() - started

    def get(self, path: str, token: str = "") -> tuple[int, bytes, float]:
        return self.request("GET", path, token=token)

    def close(self) -> None:
        self.conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
