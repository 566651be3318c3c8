"""Load test of visit submission (POST /api/v1/visits) over loopback, bounded in time.

``run_visit_load`` posts new visits from ``concurrency`` threads for ``seconds`` seconds; a share
of them is sent twice, either again by the same thread (a replay after a lost answer) or at the
same moment by another thread (two phones sending one queue). ``check_exactly_once`` then reads
the database: every acknowledged visit is stored, once, with its assessments once.
``run_bare`` measures ``GET /healthz`` of the same server, the reference rate.

Standard library only (http.client, threads); it refuses any host but the loopback.
"""

from __future__ import annotations

import http.client
import json
import queue
import random
import threading
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit

SKILLS = ["public_services", "shopping", "payment", "safety", "local_platform"]
OUTCOMES = ["guided"] * 6 + ["come_back_later", "nobody_home", "refused"]
SERVICES = ["vneid", "public_service_portal", "bank_app_vietqr", "ecommerce"]
MAX_SECONDS = 300


def _loopback(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"load tests run over loopback only, not {host!r}")
    return host, parts.port or 80


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return round(values[index], 1)


class _Client:
    """One keep-alive connection; reconnects once when the server closed it."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn = http.client.HTTPConnection(host, port, timeout=30)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, float]:
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                return response.status, data, (time.perf_counter() - started) * 1000
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def run_bare(base_url: str, *, seconds: float = 10, concurrency: int = 8) -> dict:
    """The reference: ``GET /healthz`` of the same server, same client, same concurrency."""
    host, port = _loopback(base_url)
    seconds = min(seconds, MAX_SECONDS)
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def work():
        client, mine, bad = _Client(host, port), [], 0
        while time.perf_counter() < deadline:
            try:
                status, _body, ms = client.request("GET", "/healthz")
            except OSError:
                bad += 1
                continue
            if status == 200:
                mine.append(ms)
            else:
                bad += 1
        client.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=work, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 35)
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "seconds": round(elapsed, 2),
        "rate": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": _percentile(latencies, 0.50),
        "p99_ms": _percentile(latencies, 0.99),
    }


def make_payload(household: dict, rng: random.Random, campaign: int | None = None) -> dict:
    outcome = rng.choice(OUTCOMES)
    assessments = []
    residents = household.get("residents") or []
    if outcome == "guided" and residents:
        resident = rng.choice(residents)
        for skill in rng.sample(SKILLS, rng.randint(1, 3)):
            assessments.append(
                {"resident_id": resident, "skill": skill, "level": rng.choice([1, 2, 2])}
            )
    return {
        "id": str(uuid.uuid4()),
        "household": {"commune_code": household["commune_code"], "code": household["code"]},
        "visited_at": datetime.now(UTC).isoformat(),
        "outcome": outcome,
        "campaign": campaign,
        "services": rng.sample(SERVICES, rng.randint(0, 2)) if outcome == "guided" else [],
        "members": ["Bench"],
        "assessments": assessments,
    }


def run_visit_load(
    base_url: str,
    tokens: list[str],
    households: list[dict],
    *,
    seconds: float = 20,
    concurrency: int = 32,
    duplicate_share: float = 0.1,
    campaign: int | None = None,
    seed: int = 20241001,
) -> dict:
    """Post visits for ``seconds`` from ``concurrency`` threads; ``duplicate_share`` of them is
    sent a second time (half by the same thread right after, half at once by another thread).

    Returns the rate of acknowledged submissions (2xx, first sends and resends) per second, p50
    and p99 latency, the statuses seen, and ``sent``: {visit id: [statuses], "assessments": n}
    for ``check_exactly_once``."""
    if not tokens or not households:
        raise ValueError("tokens and households are needed")
    host, port = _loopback(base_url)
    seconds = min(seconds, MAX_SECONDS)
    deadline = time.perf_counter() + seconds
    resend: queue.Queue = queue.Queue()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent: dict[str, dict] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def work(n: int):
        rng = random.Random(seed + n)
        client = _Client(host, port)
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {tokens[n % len(tokens)]}",
        }
        mine_lat, mine_status = [], {}

        def post(payload: dict) -> None:
            body = json.dumps(payload).encode()
            try:
                status, _data, ms = client.request("POST", "/api/v1/visits", body, headers)
            except OSError as exc:
                with lock:
                    errors.append(str(exc)[:200])
                status, ms = 0, None
            if ms is not None and 200 <= status < 300:
                mine_lat.append(ms)
            mine_status[status] = mine_status.get(status, 0) + 1
            with lock:
                entry = sent.setdefault(
                    payload["id"], {"statuses": [], "assessments": len(payload["assessments"])}
                )
                entry["statuses"].append(status)

        while time.perf_counter() < deadline:
            try:
                payload = resend.get_nowait()  # another thread's visit, sent at the same time
            except queue.Empty:
                payload = make_payload(rng.choice(households), rng, campaign)
                if rng.random() < duplicate_share:
                    if rng.random() < 0.5:
                        resend.put(payload)
                    else:
                        post(payload)  # the answer "got lost": the phone sends it again
            post(payload)
        client.close()
        with lock:
            latencies.extend(mine_lat)
            for k, v in mine_status.items():
                statuses[k] = statuses.get(k, 0) + v

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 65)
    elapsed = time.perf_counter() - started
    acknowledged = sum(v for k, v in statuses.items() if 200 <= k < 300)
    return {
        "seconds": round(elapsed, 2),
        "submissions": sum(statuses.values()),
        "acknowledged": acknowledged,
        "stored_new": statuses.get(201, 0),
        "replayed": statuses.get(200, 0),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": errors[:10],
        "rate": acknowledged / elapsed if elapsed else 0.0,
        "p50_ms": _percentile(latencies, 0.50),
        "p99_ms": _percentile(latencies, 0.99),
        "duplicates_sent": sum(1 for e in sent.values() if len(e["statuses"]) > 1),
        "sent": [{"id": k, **v} for k, v in sent.items()],
    }


def check_exactly_once(result: dict) -> dict:
    """Read the database (Django configured, same database as the server): each visit the server
    acknowledged is stored, each UUID once with its assessments once; refused ones left nothing."""
    from django.db.models import Count

    from cdtt.campaigns.models import Visit
    from cdtt.skills.models import SkillAssessment

    sent = result.get("sent") or []
    ids = [e["id"] for e in sent]
    stored: set[str] = set()
    assessments: dict[str, int] = {}
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        stored.update(
            str(v) for v in Visit.objects.filter(pk__in=chunk).values_list("pk", flat=True)
        )
        for vid, n in (
            SkillAssessment.objects.filter(visit_id__in=chunk)
            .values("visit_id")
            .annotate(n=Count("pk"))
            .values_list("visit_id", "n")
        ):
            assessments[str(vid)] = n
    lost = doubled = ghost = 0
    for e in sent:
        acked = any(200 <= s < 300 for s in e["statuses"])
        created = sum(1 for s in e["statuses"] if s == 201)
        if acked and e["id"] not in stored:
            lost += 1
        if created > 1 or assessments.get(e["id"], 0) > e["assessments"]:
            doubled += 1
        if not acked and e["id"] in stored and not any(s == 0 for s in e["statuses"]):
            ghost += 1  # refused with a 4xx, yet stored
    return {
        "visits": len(ids),
        "stored": len(stored),
        "lost": lost,
        "doubled": doubled,
        "stored_despite_refusal": ghost,
    }
