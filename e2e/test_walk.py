"""The walk: every page reachable from the home page, for the public and for each demo login, on a
360 × 740 phone. No link leads to a 4xx, no page is wider than the screen, no table cell lacks its
label, no text is invisible and axe-core finds no WCAG 2.1 A/AA violation.

Pages are found by following links, so a page added later is walked without touching this file.
One page per URL pattern per persona keeps the walk bounded; every distinct link found on those
pages is still requested, so a link to a page outside the viewer's scope is caught.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from e2e.audit import axe_source, axe_violations, page_problems

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 360, "height": 740}
# Links the walk does not follow: they act (sign out, change language) or download a file,
# which the export tests cover.
SKIPPED_PREFIXES = ("/accounts/logout", "/i18n/", "/static/", "/media/", "/admin/")
DOWNLOAD_MARKS = ("export=", "format=", ".xlsx", ".docx", ".pdf", ".csv", "download")
MAX_PAGES_PER_PERSONA = 80
# Links of one pattern checked per page: the first ones in the page's order, which are the
# breadcrumbs and "up" links, where a link above the viewer's scope would be.
LINKS_PER_PATTERN = 2
LINKS = """() => Array.from(document.querySelectorAll("a[href]"))
  .filter((a) => !a.hasAttribute("download"))
  .map((a) => a.href)"""


@pytest.fixture
def demo_site(transactional_db, settings, tmp_path):
    from cdtt.site import demo

    settings.VAR_DIR = tmp_path
    demo.demo_build(
        scale="small",
        communes_limit=2,
        households_per_commune=12,
        migrate=False,
        today=dt.date.today(),
        out=lambda line: None,
    )
    return demo


def _pattern(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def _followable(url: str, origin: str) -> str | None:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path
    if path.startswith(SKIPPED_PREFIXES) or any(m in url for m in DOWNLOAD_MARKS):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _login(page, origin: str, username: str, password: str) -> None:
    page.goto(f"{origin}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")


def _menu_problems(page) -> list[str]:
    """The menu opened from the keyboard: it fits the screen and passes the same checks."""
    page.focus("details.menu > summary")
    page.keyboard.press("Enter")
    page.wait_for_selector("details.menu[open] nav a")
    found = page_problems(page, phone=True) + axe_violations(page)
    box = page.locator("details.menu nav").bounding_box()
    if box and box["x"] + box["width"] > PHONE["width"] + 1:
        found.append(f"the menu reaches {box['x'] + box['width']:.0f} px")
    page.keyboard.press("Enter")
    return found


def _walk(browser, origin: str, login: tuple[str, str] | None) -> list[str]:
    context = browser.new_context(
        viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True, service_workers="block"
    )
    context.add_init_script(script=axe_source())
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: list[str] = []
    try:
        if login:
            _login(page, origin, *login)
        queue, patterns, checked = deque(["/"]), set(), {}
        while queue and len(patterns) < MAX_PAGES_PER_PERSONA:
            path = queue.popleft()
            pattern = _pattern(urlsplit(path).path)
            if pattern is None or pattern in patterns:
                continue
            patterns.add(pattern)
            response = page.goto(origin + path, wait_until="load")
            if response is None or response.status >= 400:
                problems.append(f"{path}: answers {response and response.status}")
                continue
            found = page_problems(page, phone=True, public=login is None) + axe_violations(page)
            if path == "/" and page.locator("details.menu > summary").count():
                found += [f"menu open: {p}" for p in _menu_problems(page)]
            problems += [f"{path}: {p}" for p in found]
            per_pattern: dict[str | None, int] = {}
            for url in page.evaluate(LINKS):
                target = _followable(url, origin)
                if target is None:
                    continue
                if target not in checked:
                    kind = _pattern(urlsplit(target).path)
                    per_pattern[kind] = per_pattern.get(kind, 0) + 1
                    if per_pattern[kind] > LINKS_PER_PATTERN:
                        continue
                    status = context.request.get(origin + target, max_redirects=5).status
                    checked[target] = status
                    if status >= 400:
                        problems.append(f"{path}: the link to {target} answers {status}")
                        continue
                if checked[target] < 400:
                    queue.append(target)
    finally:
        context.close()
    return problems


@pytest.mark.slow
def test_every_page_reachable_from_home_is_usable_on_a_phone(demo_site, live_server, browser):
    personas = [None] + [(name, demo_site.DEMO_PASSWORD) for name in demo_site.DEMO_USERNAMES]
    problems = []
    for login in personas:
        who = login[0] if login else "public"
        problems += [f"[{who}] {p}" for p in _walk(browser, live_server.url, login)]
    assert not problems, "\n".join(problems)
