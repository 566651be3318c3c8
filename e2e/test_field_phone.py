"""The field app on a 360-px phone: a member signed in to the site opens it signed in and keeps
working offline; the header stays on one line with the waiting count in view; the village,
the search and the count fit and stay in view; every household is reachable a page at a time,
uncovered first; every target is at least 44 × 44 px; the visit form asks only what the
outcome needs, the missing skills first; a visit sent updates the list without downloading the
worklists again, and a warm open asks only "changed?" (304)."""

import os
import uuid

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from e2e.audit import wait_until

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

EXTRA_HOUSEHOLDS = 95  # with the factory's two: three pages of 40
CHECKED = "document.body.dataset.refreshed && document.getElementById('progress').hidden"

# The texts of the village selector and the search box that their boxes cut.
FITS = """() => {
  const ctx = document.createElement("canvas").getContext("2d");
  const cut = [];
  const check = (el, text, room) => {
    ctx.font = getComputedStyle(el).font;
    if (ctx.measureText(text).width + room > el.clientWidth) cut.push(text);
  };
  const village = document.getElementById("village");
  for (const option of village.options) check(village, option.text, 44);
  const search = document.getElementById("search");
  check(search, search.placeholder, 24);
  return cut;
}"""

# Every visible thing a thumb taps: its box (a choice's box is its whole label).
TARGETS = """() => {
  const seen = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const boxes = document.querySelectorAll(
    "header button, main button, main select, main textarea, main summary, " +
    "main input:not([type=checkbox]):not([type=radio]), main label:has(> input[type=checkbox]), " +
    "main label:has(> input[type=radio])");
  for (const el of boxes) {
    if (!visible(el) || el.closest("[hidden]")) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 44 || r.height < 44) {
      seen.push((el.id || el.tagName) + " " + Math.round(r.width) + "x" + Math.round(r.height) +
        " " + (el.textContent || "").trim().slice(0, 30));
    }
  }
  return seen;
}"""


@pytest.fixture
def member_data(make_user):
    from cdtt.campaigns.tests.factories import Field, seed_catalogs
    from cdtt.campaigns.visits import visit_submit
    from cdtt.registry.services import household_create, resident_create
    from cdtt.testing import Tree

    seed_catalogs()
    data = Field(Tree(), make_user)
    for n in range(EXTRA_HOUSEHOLDS):
        household = household_create(actor=None, village=data.tree.village, code=f"HO-{n + 100}")
        resident_create(
            actor=None,
            household=household,
            full_name=f"Người Số {n}",
            birth_date=None,
            birth_year=1960 + n % 40,
            relation="Chủ hộ",
        )
    # A second village of the team, with three households.
    from cdtt.teams.models import Team

    Team.objects.get(unit=data.tree.village).villages.add(data.tree.village2)
    for n in range(3):
        household_create(actor=None, village=data.tree.village2, code=f"PL-{n}")
    # The head of HO-001 is proficient in the first skill of the catalog only.
    visit_submit(
        actor=data.member,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": data.tree.commune.code, "code": "HO-001"},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
            "assessments": [{"resident_id": data.head.pk, "skill": "public_services", "level": 2}],
        },
    )
    return data


def _signed_in_phone(browser, live_server, user):
    """A 360-px phone whose browser is signed in to the site as ``user``."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="vi-VN", is_mobile=True, has_touch=True
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def _header_on_one_line(page) -> dict:
    return page.evaluate(
        """() => {
        const bar = document.querySelector("header.bar");
        const r = bar.getBoundingClientRect();
        const kids = [...bar.children].filter((el) => el.getBoundingClientRect().width > 0);
        // On one line: every item centred on the same line, none taller than the bar.
        const mids = kids.map((el) => {
          const b = el.getBoundingClientRect();
          return b.height > r.height ? 1e6 : Math.round((b.top + b.height / 2) / 8);
        });
        const count = document.getElementById("queue-count").getBoundingClientRect();
        return {height: r.height, rows: new Set(mids).size,
                overflow: bar.scrollWidth > bar.clientWidth,
                countShown: count.width > 0 && count.right <= innerWidth && count.top >= 0};
    }"""
    )


def _count_shows(page, text: str) -> None:
    """The count under the list reads ``text``: the phone downloads a village's households a
    page at a time, and the count says "loading more" until the last page is in."""
    wait_until(page, f"document.getElementById('count').textContent.includes('{text}')")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_member_signed_in_to_the_site_works_in_the_field_app_at_360_px(
    live_server, browser, member_data
):
    from cdtt.audit.models import AuditEntry
    from cdtt.campaigns.models import Visit

    context, page = _signed_in_phone(browser, live_server, member_data.member)
    worklists = []
    page.on(
        "response",
        lambda r: worklists.append(r.status) if "/api/v1/worklist" in r.url else None,
    )
    page.goto(f"{live_server.url}/campaigns/field/")

    # Signed in from the session: no password asked, the token issue audited.
    page.wait_for_selector("#households li")
    assert page.locator("#login-view").is_hidden()
    assert AuditEntry.objects.filter(
        action="api_token.issue", actor_id=member_data.member.pk
    ).exists()

    # The header on one line, the waiting count in view; nothing wider than the phone.
    header = _header_on_one_line(page)
    assert header["rows"] == 1 and header["height"] <= 60 and not header["overflow"], header
    assert header["countShown"]
    assert page.inner_text("#queue-count") == "0"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for box in ("#search", "#village"):
        r = page.locator(box).bounding_box()
        assert r["x"] >= 0 and r["x"] + r["width"] <= 360 and r["width"] >= 300, (box, r)
    # Neither the village's name nor the search's hint is cut.
    assert page.evaluate(FITS) == []

    # Every household a page at a time, uncovered first, the count in view while scrolling.
    total = 2 + EXTRA_HOUSEHOLDS
    assert page.locator("#households li").count() == 40
    _count_shows(page, f"40/{total}")  # once the village's later pages have arrived
    assert page.locator("#households li").first.locator(".badge.no").count() == 1
    page.click("#more")
    page.click("#more")
    assert page.locator("#households li").count() == total
    assert page.locator("#more").is_hidden()
    # Every household of the member's villages, together.
    page.select_option("#village", "*")
    _count_shows(page, f"40/{total + 3}")
    page.select_option("#village", member_data.tree.village.code)
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    count = page.locator("#count").bounding_box()
    assert 0 <= count["y"] and count["y"] + count["height"] <= 740, count
    assert page.evaluate(TARGETS) == []

    # The visit form: what the outcome needs, the missing skills first, 44-px targets.
    page.fill("#search", "HO-001")
    page.locator('#households li[data-code="HO-001"] button').click()
    page.wait_for_selector("#household-view:not([hidden])")
    resident = page.locator(f'#assessments details[data-resident="{member_data.head.pk}"]')
    resident.locator("summary").click()
    skills = resident.locator("select[data-skill]").evaluate_all(
        "els => els.map(e => e.dataset.skill)"
    )
    assert skills[-1] == "public_services" and len(skills) == 5  # proficient: last
    assert page.evaluate(TARGETS) == []
    page.locator('input[name=outcome][value="nobody_home"]').check()
    assert page.locator("#present-box").is_hidden()
    assert page.locator("#services-box").is_hidden()
    assert page.locator("#assess-box").is_hidden()
    page.locator('input[name=outcome][value="come_back_later"]').check()
    assert page.locator("#present-box").is_visible()
    assert page.locator("#assess-box").is_hidden()
    page.locator('input[name=outcome][value="nobody_home"]').check()

    # Sent: the list updates from the visit's answer, no worklist downloaded again.
    before = len(worklists)
    page.click("#save")
    page.wait_for_selector("#list-view:not([hidden])")
    wait_until(page, "document.getElementById('queue-count').textContent === '0'")
    page.wait_for_selector("#toast:has-text('Đã gửi 1 lượt')")
    assert Visit.objects.filter(household=member_data.home).count() == 2
    assert len(worklists) == before
    # The next household's form is not covered by the last one's "sent".
    page.fill("#search", "HO-002")
    page.locator('#households li[data-code="HO-002"] button').click()
    page.wait_for_selector("#household-view:not([hidden])")
    assert page.locator("#toast").is_hidden()

    # A warm open asks only whether the village changed; offline, the copy is still there.
    page.goto(f"{live_server.url}/campaigns/field/")
    page.wait_for_selector("#households li")
    wait_until(page, CHECKED)
    assert worklists[-1] in (200, 304)
    page.reload()
    page.wait_for_selector("#households li")
    wait_until(page, CHECKED)
    assert worklists[-1] == 304
    context.set_offline(True)
    page.reload()
    page.wait_for_selector('#households li[data-code="HO-002"]')
    assert "Mất mạng" in page.inner_text("#net")
    assert _header_on_one_line(page)["rows"] == 1
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nobody_signed_in_is_asked_to_sign_in(live_server, browser, member_data):
    from cdtt.audit.models import AuditEntry

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/campaigns/field/")
    page.wait_for_selector("#login-view:not([hidden])")
    assert not AuditEntry.objects.filter(action="api_token.issue").exists()
    assert page.evaluate(TARGETS) == []
    context.close()
