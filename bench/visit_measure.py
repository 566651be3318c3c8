"""The visit measure of ``cdtt bench``: officers' logins and households of the demo district, the
load of ``bench/visits.py`` logged to an active campaign over the province, then the checks that
every visit was stored exactly once and that the roll-ups and the campaign's daily counters
equal a recount."""

import datetime as dt
import json
import time

from bench import visits
from bench.common import Measure
from bench.server import bench_user, token_for

CONCURRENCY = 8
OFFICERS = 8
HOUSEHOLDS = 5000


def _campaign(run):
    """An active campaign over the whole province, around today."""
    from django.utils import timezone

    from cdtt.campaigns.models import Campaign, CampaignStatus

    today = timezone.localdate()
    campaign, _created = Campaign.objects.get_or_create(
        name="Chiến dịch đo tải (cdtt bench)",
        defaults={
            "starts_on": today - dt.timedelta(days=5),
            "ends_on": today + dt.timedelta(days=5),
            "status": CampaignStatus.ACTIVE,
        },
    )
    campaign.starts_on = min(campaign.starts_on, today)
    campaign.ends_on = max(campaign.ends_on, today)
    campaign.save(update_fields=["starts_on", "ends_on"])
    campaign.scope_units.set([run.province])
    return campaign


def _visit_actors(run) -> tuple[list[str], list[dict]]:
    """Tokens of officers who may log visits, and the households they visit: 8 district
    officers of the demo district, and 5,000 random households of that district."""
    from cdtt.core.roles import Role
    from cdtt.geo.models import AdminUnit
    from cdtt.registry.models import Household, Resident
    from cdtt.site.demo import DEMO_DISTRICT

    district = AdminUnit.objects.get(code=DEMO_DISTRICT)
    tokens = []
    for n in range(OFFICERS):
        username = f"bench-visits-{n}"
        bench_user(username, Role.DISTRICT_OFFICER, district, run.password)
        tokens.append(token_for(run.base_url, username, run.password))
    ids = list(Household.objects.filter(district=district).values_list("pk", flat=True))
    chosen = run.rng.sample(ids, min(HOUSEHOLDS, len(ids)))
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
    return tokens, households


def _load(run, seconds: float) -> dict:
    """The bare endpoint's rate, then the visit load; its rate and p99 as measures."""
    tokens, households = _visit_actors(run)
    # Each load starts from a quiet server: the writes of the steps before it (the import's
    # gigabytes, an index build) flushed by a checkpoint, not by this load's.
    run.db.settle(run.out)
    bare = visits.run_bare(run.base_url, seconds=min(seconds, 10), concurrency=CONCURRENCY)
    run.out(f"   bare endpoint: {bare}")
    # As in the door-to-door campaign: every visit is logged to it (daily counters too).
    result = visits.run_visit_load(
        run.base_url,
        tokens,
        households,
        seconds=seconds,
        concurrency=CONCURRENCY,
        duplicate_share=0.1,
        campaign=_campaign(run).pk,
    )
    run.out(f"   visits: { {k: v for k, v in result.items() if not isinstance(v, list)} }")
    rate, p99 = result.get("rate"), result.get("p99_ms")
    run.add(
        Measure(
            "visits_rate",
            f"Visit submission during a campaign, sustained over {seconds:.0f} s (2 workers)",
            round(rate, 1) if rate is not None else None,
            "visits/s",
            reference=f"bare endpoint {bare.get('rate', 0):.0f} req/s "
            f"(p99 {bare.get('p99_ms')} ms)",
            budget="≥ 300/s",
            passed=rate is not None and rate >= 300,
            details={k: v for k, v in result.items() if k != "sent"} | {"bare": bare},
        )
    )
    bare_rate = bare.get("rate") or 0
    share = 100 * rate / bare_rate if rate is not None and bare_rate else None
    run.add(
        Measure(
            "visits_share",
            "Visit submission rate as a share of the bare endpoint's, same server, same run",
            round(share, 1) if share is not None else None,
            "%",
            reference=f"{rate or 0:.1f} visits/s against {bare_rate:.0f} req/s",
            budget="≥ 15 %",
            passed=share is not None and share >= 15,
        )
    )
    run.add(
        Measure(
            "visits_p99",
            "Visit submission p99 latency",
            p99,
            "ms",
            reference=f"p50 {result.get('p50_ms')} ms; bare p99 {bare.get('p99_ms')} ms",
            budget="≤ 150 ms",
            passed=p99 is not None and p99 <= 150,
        )
    )
    return result


def _recounts(run) -> None:
    """The roll-ups and the campaign's daily counters against a recount, after the load."""
    from cdtt.campaigns.rollups import campaign_days_check
    from cdtt.registry.rollups import rollups_check

    started = time.perf_counter()
    differences = rollups_check()
    run.add(
        Measure(
            "rollups_after_visits",
            "Roll-ups after the load equal a recomputation",
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
            "campaign_days_after_visits",
            "The campaign's daily counters after the load equal a recount of its visits",
            len(day_differences),
            "differences",
            reference=f"recount {time.perf_counter() - started:.1f} s",
            budget="0",
            passed=not day_differences,
        )
    )


def visits_measure(run) -> None:
    seconds = 5 if run.quick else run.visit_seconds
    result = _load(run, seconds)
    check = visits.check_exactly_once(result)
    wrong = sum(check.get(k, 0) for k in ("lost", "doubled", "stored_despite_refusal"))
    run.add(
        Measure(
            "visits_exactly_once",
            "Every visit stored exactly once (lost + doubled + stored despite a refusal)",
            wrong,
            "visits",
            reference=json.dumps(check, ensure_ascii=False),
            budget="0 lost, 0 doubled",
            passed=wrong == 0,
        )
    )
    _recounts(run)
