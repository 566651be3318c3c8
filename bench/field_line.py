"""The field app on a cheap phone and a slow line, measured by ``cdtt bench`` (step ``field line``).

A team like the demo's (the villages of one commune, up to five, about 600 households) and a
member with a login are made in the bench's database; then Debian's Chromium, driven by
Playwright, opens the field app at 360 px with Chrome DevTools' network and CPU throttling
(400 kbit/s each way, 400 ms latency, 4× slower CPU) and measures:

- a first sign-in: from an empty phone to the first household on screen (time), and every byte
  until every village is on the phone;
- a warm open: the app opened again with its copy on the phone and nothing changed on the
  server (time to the first household, bytes until every village was asked "changed?");
- one visit sent: the bytes of saving a guided visit with a service and an assessment, until
  the queue is empty.

Bytes are those on the wire as Chromium counts them (``encodedDataLength``: headers and the
compressed body). Service workers are blocked in this context, so that every request is the
page's own and counted here: the phone's service worker only adds the shell, from its cache.
"""

import time

from bench.common import Measure, NotMeasured
from bench.server import bench_user

CHROMIUM = "/usr/bin/chromium"
USERNAME = "bench-field"
TEAM_HOUSEHOLDS = 600  # the demo team's size (597 households in five villages)
SLOW_LINE = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}

PLANNED = [
    (
        "field_first_household_cold",
        "Field app, first sign-in: time to the first household",
        "≤ 10 s",
    ),
    (
        "field_first_sign_in_bytes",
        "Field app, first sign-in: bytes until every village is on the phone",
        "-",
    ),
    (
        "field_warm_open",
        "Field app, warm open with nothing changed: time to the first household",
        "≤ 1 s",
    ),
    ("field_warm_open_bytes", "Field app, warm open with nothing changed: bytes", "≤ 20 KB"),
    ("field_visit_bytes", "Field app, one visit sent: bytes", "≤ 5 KB"),
]


def _team_villages(run) -> list:
    """The villages of a commune, in order, up to five and about the demo team's households."""
    from django.db.models import Count

    from cdtt.geo.models import AdminUnit
    from cdtt.registry.models import Household

    commune_id = (
        Household.objects.filter(province_id=run.province.pk)
        .values_list("commune_id", flat=True)
        .first()
    )
    if commune_id is None:
        raise NotMeasured("the bench's database holds no household")
    counts = dict(
        Household.objects.filter(commune_id=commune_id)
        .values("village_id")
        .annotate(n=Count("pk"))
        .values_list("village_id", "n")
    )
    chosen, total = [], 0
    for village in AdminUnit.objects.filter(pk__in=counts).order_by("code"):
        village.n = counts[village.pk]
        chosen.append(village)
        total += village.n
        if len(chosen) == 5 or total >= TEAM_HOUSEHOLDS:
            break
    return chosen


def team_member_ensure(run) -> tuple[str, int, int]:
    """A team over the chosen villages and its member's login; returns (username, villages,
    households)."""
    from cdtt.accounts.models import User
    from cdtt.core.roles import Role
    from cdtt.teams.models import Team
    from cdtt.teams.services import member_add, person_create, team_found

    villages = _team_villages(run)
    commune = villages[0].parent
    bench_user(USERNAME, Role.TEAM_MEMBER, commune, run.password)
    user = User.objects.get(username=USERNAME)
    actor = User.objects.get(username="bench")
    if not Team.objects.filter(unit=villages[0], dissolved_on__isnull=True).exists():
        leader = person_create(actor=actor, full_name="Tổ Trưởng Đo Thử")
        team = team_found(
            actor=actor,
            unit=villages[0],
            leader=leader,
            villages=villages,
            decision_number="01/QĐ-UBND",
        )
        person = person_create(actor=actor, full_name="Thành Viên Đo Thử")
        person.user = user
        person.save(update_fields=["user"])
        member_add(actor=actor, team=team, person=person)
    households = sum(v.n for v in villages)
    return USERNAME, len(villages), households


class Wire:
    """Bytes on the wire of one page, as Chromium's DevTools count them."""

    def __init__(self, cdp):
        self.bytes = 0
        self.requests = 0
        cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event) -> None:
        self.bytes += int(event.get("encodedDataLength", 0))
        self.requests += 1

    def take(self) -> tuple[int, int]:
        taken = self.bytes, self.requests
        self.bytes = self.requests = 0
        return taken


def _settled(page) -> None:
    """Every village asked, the queue empty (the app's own signs)."""
    page.wait_for_function(
        "document.getElementById('progress').hidden && "
        "document.getElementById('queue-count').textContent === '0'",
        timeout=120_000,
    )


def _first_sign_in(page, wire, base_url: str, password: str) -> tuple[float, int]:
    started = time.perf_counter()
    page.goto(f"{base_url}/campaigns/field/")
    page.wait_for_selector("#login-form input[name=username]")
    page.fill("#login-form input[name=username]", USERNAME)
    page.fill("#login-form input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#households li", timeout=120_000)
    first = time.perf_counter() - started
    _settled(page)
    page.wait_for_timeout(500)  # the last answers' accounting
    return first, wire.take()[0]


def _warm_open(page, wire) -> tuple[float, int]:
    started = time.perf_counter()
    page.reload()
    page.wait_for_selector("#households li", timeout=60_000)
    first = time.perf_counter() - started
    _settled(page)
    page.wait_for_timeout(500)
    return first, wire.take()[0]


def _visit(page, wire) -> int:
    page.locator("#households li button").first.click()
    page.wait_for_selector("#household-view:not([hidden])")
    page.locator('input[name=outcome][value="guided"]').check()
    page.locator("input[name=service]").first.check()
    page.locator("input[name=present]").first.check()
    resident = page.locator("#assessments details.resident").first
    resident.locator("summary").click()
    resident.locator("select[data-skill]").first.select_option("2")
    wire.take()
    page.locator("#save").click()
    page.wait_for_selector("#list-view:not([hidden])")
    _settled(page)
    page.wait_for_timeout(500)
    return wire.take()[0]


def field_line_measure(run) -> None:
    import os

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise NotMeasured("Playwright is not installed") from None
    if not os.path.exists(CHROMIUM):
        raise NotMeasured(f"Chromium not found at {CHROMIUM}")
    username, n_villages, n_households = team_member_ensure(run)
    team = f"{n_villages} villages, {n_households:,} households"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale="vi-VN",
            is_mobile=True,
            has_touch=True,
            service_workers="block",
        )
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_LINE)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        wire = Wire(cdp)
        cold_s, cold_bytes = _first_sign_in(page, wire, run.base_url, run.password)
        warm_s, warm_bytes = _warm_open(page, wire)
        visit_bytes = _visit(page, wire)
        browser.close()
    line = "400 kbit/s, 400 ms latency, 4× CPU slowdown"
    rows = [
        ("field_first_household_cold", round(cold_s, 2), "s", f"{line}; {team}", cold_s <= 10),
        ("field_first_sign_in_bytes", round(cold_bytes / 1024, 1), "KB", team, None),
        ("field_warm_open", round(warm_s, 2), "s", line, warm_s <= 1),
        ("field_warm_open_bytes", round(warm_bytes / 1024, 1), "KB", team, warm_bytes <= 20 * 1024),
        (
            "field_visit_bytes",
            round(visit_bytes / 1024, 2),
            "KB",
            "request and answer",
            visit_bytes <= 5 * 1024,
        ),
    ]
    planned = {key: (what, budget) for key, what, budget in PLANNED}
    for key, value, unit, reference, passed in rows:
        what, budget = planned[key]
        run.add(Measure(key, what, value, unit, reference=reference, budget=budget, passed=passed))
    run.out(f"   the member {username}: {team}")
