"""Where the time of one field request goes, in process: ``POST /api/v1/visits`` (a campaign
visit), ``POST /api/v1/checkins`` and ``GET /api/v1/worklist?village=CODE`` through Django's
whole handler (every middleware, ninja, the bearer token, the service, the answer), without the
app server and the network.

    DATABASE_URL=postgres://USER@HOST:5432/cdtt_bench python -m bench.request_profile \\
        [--requests 300] [--only visits,checkins,worklist] [--middleware] [--pyinstrument]

It runs on the bench's database after a run with the visits (`cdtt bench --only visits,…`):
the bench's campaign and the households of the demo district are there. It writes visits
to the campaign and a course of its own for the check-ins (as the bench does); the worklist
reads random villages of the province (as the bench does) with a province officer's token
(its login, ``bench-profile-province``, made on first use). Per request it
prints: the round trips to the database (the statements of Django's query log, BEGIN and
COMMIT included), the Python function calls (cProfile), and the time in process
(median and best; timings depend on the machine's load, the counts do not). ``--middleware``
counts, for each middleware in turn, the calls a request makes without it; ``--pyinstrument``
prints the profile of the requests as a tree (when pyinstrument is installed).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import time
import uuid
from typing import NamedTuple


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdtt.settings")
    os.environ.setdefault("CDTT_LOGIN_THROTTLE", "false")
    import django

    django.setup()


def _token(user) -> str:
    import datetime as dt

    from django.utils import timezone

    from cdtt.accounts.models import ApiToken
    from cdtt.accounts.services import token_hash

    key = uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, key_hash=token_hash(key), expires_at=timezone.now() + dt.timedelta(hours=2)
    )
    return key


class Call(NamedTuple):
    """One request: a POST of ``body``, or a GET of ``path`` when there is none."""

    path: str
    body: bytes | None
    key: str


class _Province:
    """What ``bench.checkins._course`` reads of a bench run."""

    def __init__(self):
        from cdtt.geo.models import AdminUnit, Level

        self.province = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("pk").first()


def visit_requests(n: int, rng: random.Random) -> list[Call]:
    """``n`` visits to the bench's campaign by a district officer of the demo district."""
    from bench.visits import make_payload
    from cdtt.accounts.models import User
    from cdtt.campaigns.models import Campaign
    from cdtt.core.roles import Role
    from cdtt.geo.models import AdminUnit
    from cdtt.registry.models import Household, Resident
    from cdtt.site.demo import DEMO_DISTRICT

    campaign = Campaign.objects.get(name="Chiến dịch đo tải (cdtt bench)")
    district = AdminUnit.objects.get(code=DEMO_DISTRICT)
    user, _c = User.objects.get_or_create(
        username="bench-profile",
        defaults={"role": Role.DISTRICT_OFFICER, "scope_unit": district, "password": "!"},
    )
    ids = list(Household.objects.filter(district=district).values_list("pk", flat=True)[:20000])
    chosen = rng.sample(ids, min(2000, len(ids)))
    residents: dict[int, list[int]] = {}
    for hid, rid in Resident.objects.filter(household_id__in=chosen).values_list(
        "household_id", "pk"
    ):
        residents.setdefault(hid, []).append(rid)
    households = [
        {"commune_code": commune, "code": code, "residents": residents.get(pk, [])}
        for pk, commune, code in Household.objects.filter(pk__in=chosen).values_list(
            "pk", "commune__code", "code"
        )
    ]
    token = _token(user)
    return [
        Call(
            "/api/v1/visits",
            json.dumps(make_payload(rng.choice(households), rng, campaign.pk)).encode(),
            token,
        )
        for _ in range(n)
    ]


def checkin_requests(n: int) -> list[Call]:
    """``n`` members of a new course of the province checking in to its session under way."""
    from bench.checkins import _course
    from cdtt.training.checkins import checkin_token

    session, keys = _course(_Province())
    qr = checkin_token(session)
    return [
        Call(
            "/api/v1/checkins",
            json.dumps({"id": str(uuid.uuid4()), "session": session.pk, "token": qr}).encode(),
            key,
        )
        for key in keys[:n]
    ]


def worklist_requests(n: int, rng: random.Random) -> list[Call]:
    """``n`` worklists of villages of the province drawn at random, read by a province officer."""
    from cdtt.accounts.models import User
    from cdtt.core.roles import Role
    from cdtt.geo.models import AdminUnit, Level

    province = _Province().province
    user, _c = User.objects.get_or_create(
        username="bench-profile-province",
        defaults={"role": Role.PROVINCE_ADMIN, "scope_unit": province, "password": "!"},
    )
    codes = list(
        AdminUnit.objects.filter(level=Level.VILLAGE, province=province).values_list(
            "code", flat=True
        )
    )
    token = _token(user)
    return [Call(f"/api/v1/worklist?village={rng.choice(codes)}", None, token) for _ in range(n)]


class _Transactions:
    """Counts the commits and rollbacks of the default connection (each transaction is a BEGIN
    and one of them: round trips Django's query log does not show)."""

    def __init__(self):
        from django.db import connection

        self.connection, self.count = connection, 0

    def __enter__(self):
        conn = self.connection
        self.saved = conn._commit, conn._rollback

        def counted(original):
            def call(*args, **kwargs):
                self.count += 1
                return original(*args, **kwargs)

            return call

        conn._commit, conn._rollback = counted(self.saved[0]), counted(self.saved[1])
        return self

    def __exit__(self, *exc):
        self.connection._commit, self.connection._rollback = self.saved


def _send(client, call: Call) -> int:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {call.key}"}
    if call.body is None:
        response = client.get(call.path, **auth)
    else:
        response = client.generic(
            "POST", call.path, call.body, content_type="application/json", **auth
        )
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{call.path}: {response.status_code} {response.content[:300]!r}")
    return response.status_code


class _DatabaseTime:
    """Time spent in the default connection's statements (sent, run and read back)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _counts(client, batch: list[Call]) -> dict:
    """Round trips, transactions and statements by kind, per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, _Transactions() as tx:
        for call in batch:
            _send(client, call)
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    kinds: dict[str, int] = {}
    for word in statements:
        kinds[word] = kinds.get(word, 0) + 1
    return {
        "requests": len(batch),
        # Django's query log shows BEGIN and COMMIT too: every statement is a round trip.
        "round_trips_per_request": round(len(statements) / len(batch), 2),
        "transactions_per_request": round(tx.count / len(batch), 2),
        "statements_by_kind": {k: round(v / len(batch), 2) for k, v in sorted(kinds.items())},
    }


def _times(client, batch: list[Call]) -> dict:
    """Time per request in process, and the share of it spent in the database's statements."""
    from django.db import connection

    times, in_database = [], []
    for call in batch:
        clock = _DatabaseTime()
        with connection.execute_wrapper(clock):
            started = time.perf_counter()
            _send(client, call)
            times.append((time.perf_counter() - started) * 1000)
        in_database.append(clock.seconds * 1000)
    return {
        "ms_median": round(statistics.median(times), 2),
        "ms_best": round(min(times), 2),
        "ms_in_database_median": round(statistics.median(in_database), 2),
        "load_average": os.getloadavg(),
    }


def profile(calls: list[Call], *, pyinstrument: bool) -> dict:
    """Statements, calls and time per request (the first tenth warms the process up)."""
    from django.test import Client

    client = Client()
    warm = max(5, len(calls) // 10)
    for call in calls[:warm]:
        _send(client, call)
    rest = calls[warm:]
    quarter = len(rest) // 4
    counted, profiled = rest[:quarter], rest[quarter : 2 * quarter]
    timed, instrumented = rest[2 * quarter : 3 * quarter], rest[3 * quarter :]
    result = {"path": calls[0].path.split("?")[0], **_counts(client, counted)}
    profiler = cProfile.Profile()
    profiler.enable()
    for call in profiled:
        _send(client, call)
    profiler.disable()
    result["python_calls_per_request"] = round(pstats.Stats(profiler).total_calls / len(profiled))
    result.update(_times(client, timed))
    if pyinstrument:
        result["pyinstrument"] = _pyinstrument(client, instrumented)
    return result


def _pyinstrument(client, batch: list[Call]) -> str:
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "pyinstrument is not installed"
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for call in batch:
        _send(client, call)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)


def middleware_calls(calls: list[Call]) -> dict[str, int]:
    """Python calls a request makes with every middleware, then without each in turn."""
    from django.conf import settings
    from django.test import Client, override_settings

    def count(middleware: list[str], batch: list[Call]) -> int | str:
        with override_settings(MIDDLEWARE=middleware):
            client = Client()
            try:
                _send(client, batch[0])  # loads the middleware
                profiler = cProfile.Profile()
                profiler.enable()
                for call in batch[1:]:
                    _send(client, call)
                profiler.disable()
            except Exception as exc:  # a middleware another one needs
                return f"needed ({type(exc).__name__})"
            return round(pstats.Stats(profiler).total_calls / (len(batch) - 1))

    size = max(3, len(calls) // (len(settings.MIDDLEWARE) + 1))
    batches = [calls[i : i + size] for i in range(0, len(calls), size)]
    out = {"all": count(list(settings.MIDDLEWARE), batches[0])}
    for i, name in enumerate(settings.MIDDLEWARE, start=1):
        rest = [m for m in settings.MIDDLEWARE if m != name]
        out[f"without {name}"] = count(rest, batches[i % len(batches)])
    return out


def _requests(kind: str, n: int, rng: random.Random) -> list[Call]:
    if kind == "visits":
        return visit_requests(n, rng)
    if kind == "checkins":
        return checkin_requests(n)
    if kind == "worklist":
        return worklist_requests(n, rng)
    raise SystemExit(f"unknown kind {kind!r}: visits, checkins or worklist")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", default="visits,checkins", help="visits, checkins, worklist")
    parser.add_argument("--middleware", action="store_true")
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args()
    _setup()
    rng = random.Random(20261206)
    kinds = [k.strip() for k in args.only.split(",") if k.strip()]
    for kind in kinds:
        result = profile(_requests(kind, args.requests, rng), pyinstrument=args.pyinstrument)
        tree = result.pop("pyinstrument", None)
        print(json.dumps(result))
        if tree:
            print(tree)
        if args.middleware:
            calls = middleware_calls(_requests(kind, args.requests, rng))
            print(json.dumps({"path": result["path"], "middleware_calls": calls}))


if __name__ == "__main__":
    main()
