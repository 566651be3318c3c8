"""Where the time of one field write goes, in process: ``POST /api/v1/visits`` (a campaign visit)
and ``POST /api/v1/checkins`` through Django's whole handler (every middleware, ninja, the
bearer token, the service, the answer), without the app server and the network.

    DATABASE_URL=postgres://USER@HOST:5432/cdtt_bench python -m bench.request_profile \\
        [--requests 300] [--middleware] [--pyinstrument]

It runs on the bench's database after a run with the visits (`cdtt bench --only visits,…`):
the bench's campaign and the households of the demo district are there. It writes visits
to the campaign and a course of its own for the check-ins (as the bench does). Per request it
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


class _Province:
    """What ``bench.checkins._course`` reads of a bench run."""

    def __init__(self):
        from cdtt.geo.models import AdminUnit, Level

        self.province = AdminUnit.objects.filter(level=Level.PROVINCE).order_by("pk").first()


def visit_requests(n: int, rng: random.Random) -> tuple[str, list[bytes], list[str]]:
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
    bodies = [
        json.dumps(make_payload(rng.choice(households), rng, campaign.pk)).encode()
        for _ in range(n)
    ]
    return "/api/v1/visits", bodies, [token] * n


def checkin_requests(n: int) -> tuple[str, list[bytes], list[str]]:
    """``n`` members of a new course of the province checking in to its session under way."""
    from bench.checkins import _course
    from cdtt.training.checkins import checkin_token

    session, keys = _course(_Province())
    qr = checkin_token(session)
    bodies = [
        json.dumps({"id": str(uuid.uuid4()), "session": session.pk, "token": qr}).encode()
        for _ in range(n)
    ]
    return "/api/v1/checkins", bodies, keys[:n]


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


def _send(client, path: str, body: bytes, key: str) -> int:
    response = client.generic(
        "POST",
        path,
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    if response.status_code not in (200, 201):
        raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")
    return response.status_code


def profile(path: str, bodies: list[bytes], keys: list[str], *, pyinstrument: bool) -> dict:
    """Statements, calls and time per request (the first tenth warms the process up)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    warm = max(5, len(bodies) // 10)
    for body, key in zip(bodies[:warm], keys[:warm], strict=True):
        _send(client, path, body, key)
    rest = list(zip(bodies[warm:], keys[warm:], strict=True))
    quarter = len(rest) // 4
    counted, profiled = rest[:quarter], rest[quarter : 2 * quarter]
    timed, instrumented = rest[2 * quarter : 3 * quarter], rest[3 * quarter :]
    with CaptureQueriesContext(connection) as queries, _Transactions() as tx:
        for body, key in counted:
            _send(client, path, body, key)
    statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    kinds: dict[str, int] = {}
    for word in statements:
        kinds[word] = kinds.get(word, 0) + 1
    profiler = cProfile.Profile()
    profiler.enable()
    for body, key in profiled:
        _send(client, path, body, key)
    profiler.disable()
    calls = pstats.Stats(profiler).total_calls
    times = []
    for body, key in timed:
        started = time.perf_counter()
        _send(client, path, body, key)
        times.append((time.perf_counter() - started) * 1000)
    result = {
        "path": path,
        "requests": len(counted),
        # Django's query log shows BEGIN and COMMIT too: every statement is a round trip.
        "round_trips_per_request": round(len(statements) / len(counted), 2),
        "transactions_per_request": round(tx.count / len(counted), 2),
        "statements_by_kind": {k: round(v / len(counted), 2) for k, v in sorted(kinds.items())},
        "python_calls_per_request": round(calls / len(profiled)),
        "ms_median": round(statistics.median(times), 2),
        "ms_best": round(min(times), 2),
        "load_average": os.getloadavg(),
    }
    if pyinstrument:
        result["pyinstrument"] = _pyinstrument(client, path, instrumented)
    return result


def _pyinstrument(client, path: str, batch: list) -> str:
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "pyinstrument is not installed"
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for body, key in batch:
        _send(client, path, body, key)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)


def middleware_calls(path: str, bodies: list[bytes], keys: list[str]) -> dict[str, int]:
    """Python calls a request makes with every middleware, then without each in turn."""
    from django.conf import settings
    from django.test import Client, override_settings

    def calls(middleware: list[str], batch) -> int | str:
        with override_settings(MIDDLEWARE=middleware):
            client = Client()
            try:
                _send(client, path, *batch[0])  # loads the middleware
                profiler = cProfile.Profile()
                profiler.enable()
                for body, key in batch[1:]:
                    _send(client, path, body, key)
                profiler.disable()
            except Exception as exc:  # a middleware another one needs
                return f"needed ({type(exc).__name__})"
            return round(pstats.Stats(profiler).total_calls / (len(batch) - 1))

    pairs = list(zip(bodies, keys, strict=True))
    size = max(3, len(pairs) // (len(settings.MIDDLEWARE) + 1))
    batches = [pairs[i : i + size] for i in range(0, len(pairs), size)]
    out = {"all": calls(list(settings.MIDDLEWARE), batches[0])}
    for i, name in enumerate(settings.MIDDLEWARE, start=1):
        rest = [m for m in settings.MIDDLEWARE if m != name]
        out[f"without {name}"] = calls(rest, batches[i % len(batches)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", default="visits,checkins")
    parser.add_argument("--middleware", action="store_true")
    parser.add_argument("--pyinstrument", action="store_true")
    args = parser.parse_args()
    _setup()
    rng = random.Random(20261206)
    kinds = [k.strip() for k in args.only.split(",") if k.strip()]
    for kind in kinds:
        if kind == "visits":
            path, bodies, keys = visit_requests(args.requests, rng)
        else:
            path, bodies, keys = checkin_requests(args.requests)
        result = profile(path, bodies, keys, pyinstrument=args.pyinstrument)
        tree = result.pop("pyinstrument", None)
        print(json.dumps(result))
        if tree:
            print(tree)
        if args.middleware:
            more = visit_requests if kind == "visits" else None
            extra = more(args.requests, rng) if more else checkin_requests(args.requests)
            print(json.dumps({"path": path, "middleware_calls": middleware_calls(*extra)}))


if __name__ == "__main__":
    main()
