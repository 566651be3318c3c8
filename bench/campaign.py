"""The simulated campaign of ``cdtt bench`` (issue 19): the door-to-door campaign's ten days
replayed against the province's data, compressed in time, over loopback.

Its 16,000 members (about four a village, as in Thanh Hóa in 10/2024) are named on the visits
they log; the visits are sent by the province's communes (one login a commune, standing for its
teams' phones), day after day: every visit of day 1, then day 2, and so on, each dated within its
day, to random households of the province, a share of them sent twice (a lost answer, two
phones). ``--campaign-visits`` sets how many (a million in the directive's campaign; as many as
the time of a run allows). Afterwards: every visit stored exactly once, and the roll-ups and the
campaign's daily counters equal a recount. The bench reports the wall time and the rate.
"""

import datetime as dt
import json
import queue
import random
import threading
import time
import uuid

from bench import visits
from bench.common import Measure

MEMBERS = 16_000
DAYS = 10
CONCURRENCY = 8
DUPLICATE_SHARE = 0.05
POOL = 200_000  # households drawn at random, visited (with repeats) by the simulation
MAX_SECONDS = 3600

PLANNED = [
    ("campaign_rate", "Simulated campaign: visits replayed, rate", "—"),
    ("campaign_exactly_once", "Simulated campaign: every visit stored exactly once", "0"),
    ("campaign_rollups", "Simulated campaign: roll-ups equal a recomputation", "0"),
    ("campaign_days", "Simulated campaign: daily counters equal a recount", "0"),
]


def _campaign(run):
    """A campaign over the province whose ten days ended yesterday (a visit is never dated
    in the future)."""
    from django.utils import timezone

    from cdtt.campaigns.models import Campaign, CampaignStatus

    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name=f"Chiến dịch mô phỏng {DAYS} ngày (cdtt bench)",
        starts_on=today - dt.timedelta(days=DAYS),
        ends_on=today - dt.timedelta(days=1),
        status=CampaignStatus.ACTIVE,
    )
    campaign.scope_units.set([run.province])
    return campaign


def _logins(run) -> dict[int, str]:
    """A commune officer's token for each commune of the province (no password: the token is
    issued directly, as after a login)."""
    from cdtt.accounts.models import User
    from cdtt.accounts.services import api_token_issue
    from cdtt.core.roles import Role
    from cdtt.geo.models import AdminUnit, Level

    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE, province=run.province))
    existing = {
        u.scope_unit_id: u for u in User.objects.filter(username__startswith="bench-campaign-")
    }
    made = []
    for commune in communes:
        if commune.pk not in existing:
            user = User(
                username=f"bench-campaign-{commune.code}",
                role=Role.COMMUNE_OFFICER,
                scope_unit=commune,
                full_name=f"Cán bộ xã {commune.name}",
            )
            user.set_unusable_password()
            made.append(user)
    for user in User.objects.bulk_create(made):
        existing[user.scope_unit_id] = user
    return {c.pk: api_token_issue(user=existing[c.pk], days=1)[0] for c in communes}


def _households(run, count: int) -> list[dict]:
    """Random households of the province with their residents' ids."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT h.id, h.commune_id, c.code, h.code, h.village_id "
            "FROM registry_household h JOIN geo_adminunit c ON c.id = h.commune_id "
            "WHERE h.province_id = %s ORDER BY random() LIMIT %s",
            [run.province.pk, count],
        )
        rows = cur.fetchall()
        cur.execute(
            "SELECT household_id, id FROM registry_resident WHERE household_id = ANY(%s) "
            "AND status = 'current'",
            [[r[0] for r in rows]],
        )
        residents: dict[int, list[int]] = {}
        for hid, rid in cur.fetchall():
            residents.setdefault(hid, []).append(rid)
    return [
        {
            "commune_id": commune_id,
            "commune_code": commune_code,
            "code": code,
            "village_id": village_id,
            "residents": residents.get(pk, []),
        }
        for pk, commune_id, commune_code, code, village_id in rows
    ]


def _plan(run, total: int, households: list[dict], campaign) -> list[tuple[int, dict]]:
    """(commune id, payload) of every visit, day after day, each dated within its day."""
    from django.utils import timezone

    rng = random.Random(20241010)
    # The visits' UUIDs differ from one campaign to the next: a run on an earlier run's data
    # (--reuse-db) sends new visits, not that run's again with another campaign (409s).
    ids = random.Random(f"20241010-{campaign.pk}")
    villages = sorted({h["village_id"] for h in households})
    per_village = max(1, MEMBERS // max(1, len(villages)))
    plan = []
    for day in range(DAYS):
        date = campaign.starts_on + dt.timedelta(days=day)
        opens = timezone.make_aware(dt.datetime.combine(date, dt.time(7, 30)))
        for _n in range(total // DAYS + (1 if day < total % DAYS else 0)):
            household = rng.choice(households)
            payload = visits.make_payload(household, rng, campaign.pk)
            payload["id"] = str(uuid.UUID(int=ids.getrandbits(128), version=4))
            payload["visited_at"] = (
                opens + dt.timedelta(seconds=rng.randint(0, 36_000))
            ).isoformat()
            team = household["village_id"]
            payload["members"] = [
                f"Thành viên {team}-{k}"
                for k in rng.sample(range(per_village), min(2, per_village))
            ]
            plan.append((household["commune_id"], payload))
    return plan


def _replay(run, plan: list[tuple[int, dict]], tokens: dict[int, str]) -> dict:
    """Send the plan in order from ``CONCURRENCY`` threads (bounded in time); a share of the
    visits is sent twice."""
    host, port = visits._loopback(run.base_url)
    work: queue.Queue = queue.Queue()
    for item in plan:
        work.put(item)
    deadline = time.perf_counter() + MAX_SECONDS
    sent: dict[str, dict] = {}
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    refusals: list[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        rng = random.Random(n)
        client = visits._Client(host, port)
        mine, counts = [], {}
        while time.perf_counter() < deadline:
            try:
                commune_id, payload = work.get_nowait()
            except queue.Empty:
                break
            headers = {
                "Content-Type": "application/json",
                "Authorization": f"Bearer {tokens[commune_id]}",
            }
            body = json.dumps(payload).encode()
            for _send in range(2 if rng.random() < DUPLICATE_SHARE else 1):
                try:
                    status, data, ms = client.request("POST", "/api/v1/visits", body, headers)
                except OSError as exc:
                    status, ms, data = 0, None, str(exc).encode()
                if status >= 300 and len(refusals) < 5:
                    refusals.append(f"{status} {data[:300].decode(errors='replace')}")
                if ms is not None and 200 <= status < 300:
                    mine.append(ms)
                counts[status] = counts.get(status, 0) + 1
                with lock:
                    entry = sent.setdefault(
                        payload["id"],
                        {"statuses": [], "assessments": len(payload["assessments"])},
                    )
                    entry["statuses"].append(status)
        client.close()
        with lock:
            latencies.extend(mine)
            for k, v in counts.items():
                statuses[k] = statuses.get(k, 0) + v

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(CONCURRENCY)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(MAX_SECONDS + 60)
    elapsed = time.perf_counter() - started
    acknowledged = sum(v for k, v in statuses.items() if 200 <= k < 300)
    return {
        "seconds": round(elapsed, 1),
        "planned": len(plan),
        "sent_visits": len(sent),
        "acknowledged": acknowledged,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "rate": acknowledged / elapsed if elapsed else 0.0,
        "p50_ms": visits._percentile(latencies, 0.50),
        "p99_ms": visits._percentile(latencies, 0.99),
        "refusals": refusals,
        "sent": [{"id": k, **v} for k, v in sent.items()],
    }


def _checks(run, result: dict, campaign) -> None:
    from cdtt.campaigns.models import Visit
    from cdtt.campaigns.rollups import campaign_days_check
    from cdtt.registry.rollups import rollups_check

    check = visits.check_exactly_once(result)
    wrong = sum(check.get(k, 0) for k in ("lost", "doubled", "stored_despite_refusal"))
    stored = Visit.objects.filter(campaign=campaign).count()
    run.add(
        Measure(
            "campaign_exactly_once",
            "Simulated campaign: every visit stored exactly once (lost + doubled + stored "
            "despite a refusal)",
            wrong,
            "visits",
            reference=json.dumps(check | {"campaign_visits": stored}, ensure_ascii=False),
            budget="0",
            passed=wrong == 0,
        )
    )
    started = time.perf_counter()
    differences = rollups_check()
    run.add(
        Measure(
            "campaign_rollups",
            "Simulated campaign: roll-ups after it equal a recomputation",
            len(differences),
            "differences",
            reference=f"recomputation {time.perf_counter() - started:.1f} s",
            budget="0",
            passed=not differences,
        )
    )
    started = time.perf_counter()
    day_differences = campaign_days_check()
    run.add(
        Measure(
            "campaign_days",
            f"Simulated campaign: its daily counters ({DAYS} days) equal a recount of its visits",
            len(day_differences),
            "differences",
            reference=f"recount {time.perf_counter() - started:.1f} s",
            budget="0",
            passed=not day_differences,
        )
    )


def campaign_measure(run) -> None:
    """The simulated campaign: logins, households and the plan, the replay, the checks."""
    total = 2_000 if run.quick else run.campaign_visits
    campaign = _campaign(run)
    tokens = _logins(run)
    households = _households(run, min(POOL, max(total, 1)))
    plan = _plan(run, total, households, campaign)
    members = len({m for _c, p in plan for m in p["members"]})
    run.out(f"   {len(plan):,} visits planned over {DAYS} days, {members:,} members named")
    run.db.settle(run.out)  # the steps before it flushed first
    result = _replay(run, plan, tokens)
    run.out(f"   replay: { {k: v for k, v in result.items() if k != 'sent'} }")
    done = result["acknowledged"]
    run.add(
        Measure(
            "campaign_rate",
            f"Simulated campaign: {done:,} visits of {len(tokens)} communes' phones over "
            f"{DAYS} days replayed (compressed in time)",
            round(result["rate"], 1),
            "visits/s",
            reference=f"wall time {result['seconds']:.0f} s for {len(plan):,} visits planned "
            f"({DAYS} days, {members:,} members named on them); p50 {result['p50_ms']} ms, "
            f"p99 {result['p99_ms']} ms; {CONCURRENCY} senders; "
            f"statuses {result['statuses']}",
            budget="—",
            passed=None,
            details={k: v for k, v in result.items() if k != "sent"},
        )
    )
    _checks(run, result, campaign)
