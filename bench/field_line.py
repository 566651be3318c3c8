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
compressed body). Service workers are blocked while bytes are counted, so that every request is
the page's own and seen here (the worker fetches the same shell, once, when installed). The
warm open's time is measured again on a phone whose service worker holds the shell, as every
phone's does after the first open; the time without it is given beside.
"""

from e2e.audit import wait_until

from bench.common import Http, Measure, NotMeasured
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
        self.sent: dict[str, tuple[str, float]] = {}
        self.log: list[dict] = []  # each request: what, bytes, its time, when it ended
        self.origin: float | None = None
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event) -> None:
        url = event["request"]["url"].split("//", 1)[-1].split("/", 1)[-1]
        self.sent[event["requestId"]] = (f"{event['request']['method']} /{url}", event["timestamp"])

    def _finished(self, event) -> None:
        size = int(event.get("encodedDataLength", 0))
        self.bytes += size
        what, at = self.sent.get(event["requestId"], ("?", event["timestamp"]))
        if self.origin is None:
            self.origin = at
        self.log.append(
            {
                "request": what,
                "bytes": size,
                "ms": round((event["timestamp"] - at) * 1000),
                "ended_ms": round((event["timestamp"] - self.origin) * 1000),
            }
        )

    def take(self) -> tuple[int, list[dict]]:
        taken = self.bytes, self.log
        self.bytes, self.log, self.origin = 0, [], None
        return taken


def _settled(page) -> None:
    """Every village asked, the queue empty (the app's own signs). Asked from outside the page:
    its content security policy forbids the eval of Playwright's ``wait_for_function``."""
    wait_until(
        page,
        "document.body.dataset.refreshed && document.getElementById('progress').hidden && "
        "document.getElementById('queue-count').textContent === '0'",
        timeout=120,
    )


def _first_household(page, timeout: int) -> float:
    """Seconds from the opening of the page to the first household on screen, as the app
    marks it (``performance.mark``): the browser's own clock, not the driver's."""
    page.wait_for_selector("#households li", timeout=timeout)
    return page.evaluate("performance.getEntriesByName('cdtt-first-household')[0].startTime / 1000")


def _server_warm(run) -> None:
    """The server's workers past their first requests (a server in service is warm): the page,
    its scripts and the API, a few times each, over loopback."""
    client = Http(run.base_url)
    for _ in range(4):
        for path in ("/campaigns/field/", "/static/field/app.js", "/healthz"):
            client.get(path)
        client.request("GET", "/api/v1/me", token=run.token)
    client.close()


def _first_sign_in(page, wire, base_url: str, password: str) -> tuple[float, int]:
    page.goto(f"{base_url}/campaigns/field/", wait_until="commit")
    page.fill("#login-form input[name=username]", USERNAME)
    page.fill("#login-form input[name=password]", password)
    page.click("#login-form button[type=submit]")
    first = _first_household(page, 120_000)
    _settled(page)
    page.wait_for_timeout(500)  # the last answers' accounting
    return first, wire.take()


def _warm_open(page, wire) -> tuple[float, int]:
    page.reload(wait_until="commit")
    first = _first_household(page, 60_000)
    _settled(page)
    page.wait_for_timeout(500)
    return first, wire.take()


def _warm_open_with_worker(browser, base_url: str, password: str) -> float:
    """The warm open's time on a phone whose service worker holds the shell (as every phone's
    does after the first open): signed in and settled on a fast line, then opened again on the
    slow one."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{base_url}/campaigns/field/")
    page.fill("#login-form input[name=username]", USERNAME)
    page.fill("#login-form input[name=password]", password)
    page.click("#login-form button[type=submit]")
    _settled(page)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    _settled(page)
    wait_until(page, "navigator.serviceWorker.controller !== null")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_LINE)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.reload(wait_until="commit")
    took = _first_household(page, 60_000)
    _settled(page)
    context.close()
    return took


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
    return wire.take()


def field_line_measure(run) -> None:
    import os

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise NotMeasured("Playwright is not installed") from None
    if not os.path.exists(CHROMIUM):
        raise NotMeasured(f"Chromium not found at {CHROMIUM}")
    username, n_villages, n_households = team_member_ensure(run)
    _server_warm(run)
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
        cold_s, (cold_bytes, cold_log) = _first_sign_in(page, wire, run.base_url, run.password)
        warm_s, (warm_bytes, warm_log) = _warm_open(page, wire)
        visit_bytes, visit_log = _visit(page, wire)
        context.close()
        worker_s = _warm_open_with_worker(browser, run.base_url, run.password)
        browser.close()
    line = "400 kbit/s, 400 ms latency, 4× CPU slowdown"
    rows = [
        ("field_first_household_cold", round(cold_s, 2), "s", f"{line}; {team}", cold_s <= 10),
        ("field_first_sign_in_bytes", round(cold_bytes / 1024, 1), "KB", team, None),
        (
            "field_warm_open",
            round(worker_s, 2),
            "s",
            f"{line}; the shell from the service worker ({warm_s:.2f} s without it)",
            worker_s <= 1,
        ),
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
    logs = {"first": cold_log, "warm": warm_log, "visit": visit_log}
    details = {
        "field_first_sign_in_bytes": {"requests": cold_log},
        "field_warm_open_bytes": {"requests": warm_log},
        "field_visit_bytes": {"requests": visit_log},
    }
    for key, value, unit, reference, passed in rows:
        what, budget = planned[key]
        run.add(
            Measure(
                key,
                what,
                value,
                unit,
                reference=reference,
                budget=budget,
                passed=passed,
                details=details.get(key, {}),
            )
        )
    for name, log in logs.items():
        run.out(
            f"   {name}: "
            + "; ".join(
                f"{r['request']} {r['bytes']} B {r['ms']} ms (@{r['ended_ms']})" for r in log
            )
        )
    run.out(f"   the member {username}: {team}")
