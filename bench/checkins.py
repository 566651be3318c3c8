"""The check-in measure of ``cdtt bench``: a course of 2,000 members (the largest the issue
names) with a session under way, every member checking in by the session's QR token over
loopback from 8 threads, a tenth of the check-ins sent twice (a phone's queue replayed after a
lost answer); then the check that every member is present exactly once.

Check-in takes the load of visits: the same budget (≥ 300/s, p99 ≤ 150 ms on 2 workers).
"""

import datetime as dt
import json
import random
import threading
import time
import uuid

from bench.common import Measure
from bench.visits import _Client, _loopback, _percentile

MEMBERS = 2000
CONCURRENCY = 8
RESEND_SHARE = 0.1


def _course(run):
    """The bench's course of the province with a session under way and its enrolled members,
    each with a login and an API token (made directly: 2,000 password hashes would take
    minutes and measure nothing of check-in)."""
    from django.utils import timezone

    from cdtt.accounts.models import ApiToken, User
    from cdtt.accounts.services import token_hash
    from cdtt.core.roles import Role
    from cdtt.lib.text import fold
    from cdtt.organizations.models import Organization
    from cdtt.teams.models import Person
    from cdtt.training.models import Course, Enrolment, Session

    organizer, _c = Organization.objects.get_or_create(
        unit=run.province,
        name_key="so khoa hoc va cong nghe (bench)",
        defaults={"name": "Sở Khoa học và Công nghệ (bench)", "kind": "agency"},
    )
    course = Course.objects.create(
        title=f"Tập huấn đo tải {uuid.uuid4().hex[:6]}",
        organizer=organizer,
        unit=run.province,
        path=run.province.path,
        mode="in_person",
        test_required=False,
    )
    now = timezone.now()
    session = Session.objects.create(
        course=course, starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(hours=2)
    )
    tag = course.pk
    users = User.objects.bulk_create(
        [
            User(
                username=f"bench-checkin-{tag}-{n}",
                role=Role.TEAM_MEMBER,
                scope_unit=run.province,
                password="!",
            )
            for n in range(MEMBERS)
        ]
    )
    people = Person.objects.bulk_create(
        [
            Person(full_name=f"Học viên {n}", name_key=fold(f"Hoc vien {n}"), user=u)
            for n, u in enumerate(users)
        ]
    )
    Enrolment.objects.bulk_create(
        [Enrolment(course=course, person=p, status="enrolled") for p in people]
    )
    keys = [uuid.uuid4().hex for _ in users]
    expires = now + dt.timedelta(days=1)
    ApiToken.objects.bulk_create(
        [
            ApiToken(user=u, key_hash=token_hash(k), expires_at=expires)
            for u, k in zip(users, keys, strict=True)
        ]
    )
    return session, keys


def _load(base_url: str, session_id: int, qr: str, keys: list[str], rng: random.Random) -> dict:
    """Every member checks in once (a tenth sent twice by the same phone), from 8 threads."""
    host, port = _loopback(base_url)
    work = list(enumerate(keys))
    rng.shuffle(work)
    lock = threading.Lock()
    latencies: list[float] = []
    acknowledged: dict[str, int] = {}  # client UUID -> member index
    statuses: dict[int, int] = {}

    def worker(items):
        client, mine, seen, codes = _Client(host, port), [], {}, {}
        for index, key in items:
            body = json.dumps({"id": str(uuid.uuid4()), "session": session_id, "token": qr})
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            for _send in range(2 if rng.random() < RESEND_SHARE else 1):
                status, _data, ms = client.request("POST", "/api/v1/checkins", body, headers)
                mine.append(ms)
                codes[status] = codes.get(status, 0) + 1
                if status in (200, 201):
                    seen[json.loads(body)["id"]] = index
        client.close()
        with lock:
            latencies.extend(mine)
            acknowledged.update(seen)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    chunks = [work[i::CONCURRENCY] for i in range(CONCURRENCY)]
    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "members": len(set(acknowledged.values())),
        "acknowledged": acknowledged,
        "statuses": statuses,
        "seconds": round(elapsed, 2),
        "rate": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": _percentile(latencies, 0.50),
        "p99_ms": _percentile(latencies, 0.99),
    }


def checkins_measure(run) -> None:
    from cdtt.training.checkins import checkin_token
    from cdtt.training.models import Attendance

    session, keys = _course(run)
    run.db.settle(run.out)  # the steps before it (an import, an index build) flushed first
    result = _load(run.base_url, session.pk, checkin_token(session), keys, run.rng)
    acknowledged = result.pop("acknowledged")
    run.out(f"   check-ins: {result}")
    stored = dict(Attendance.objects.filter(session=session).values_list("pk", "person_id"))
    # Exactly once: every acknowledged check-in is stored, and no member twice.
    missing = sum(1 for key in acknowledged if uuid.UUID(key) not in stored)
    twice = len(stored) - len(set(stored.values()))
    rate, p99 = result["rate"], result["p99_ms"]
    run.add(
        Measure(
            "checkins_rate",
            f"Training check-in by QR: {MEMBERS:,} members of one course, a tenth sent twice "
            "(2 workers)",
            round(rate, 1),
            "check-ins/s",
            reference="the visits' budget: check-in takes the same load",
            budget="≥ 300/s",
            passed=rate >= 300,
            details=result,
        )
    )
    run.add(
        Measure(
            "checkins_p99",
            "Training check-in p99 latency",
            p99,
            "ms",
            reference=f"p50 {result['p50_ms']} ms",
            budget="≤ 150 ms",
            passed=p99 is not None and p99 <= 150,
        )
    )
    run.add(
        Measure(
            "checkins_exactly_once",
            "Check-ins acknowledged but not stored, or a member stored twice",
            missing + twice,
            "differences",
            reference=f"{len(stored):,} attendances for {result['members']:,} members",
            budget="0",
            passed=missing + twice == 0 and len(stored) == result["members"] == MEMBERS,
        )
    )
