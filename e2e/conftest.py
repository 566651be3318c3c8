"""Browser fixtures: Debian's Chromium driven by Playwright, against pytest-django's live server.

Under CDTT_BROWSER_REQUIRED=1 (set by scripts/test, hence in CI) a missing browser fails the
run instead of skipping it.
"""

import os
import shutil
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CDTT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


class _OneRequestAtATime:
    """The live server's application, one request at a time. On SQLite the tests' database is
    in memory and the live server's threads share its one connection: two requests at once (a
    page and its images, fetched together by the browser) would interleave their transactions
    on it (a savepoint of one released by the other, "database table is locked"). The lock is
    held until the answer is closed, as closing it touches the connection too."""

    def __init__(self, app):
        self.app, self.lock = app, threading.Lock()

    def __call__(self, environ, start_response):
        self.lock.acquire()
        try:
            return _Answer(self.app(environ, start_response), self.lock)
        except BaseException:
            self.lock.release()
            raise


class _Answer:
    def __init__(self, result, lock):
        self.result, self.lock = result, lock

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            self.lock.release()


class _SerialServer(ThreadedWSGIServer):
    def set_app(self, application):
        super().set_app(_OneRequestAtATime(application))


LiveServerThread.server_class = _SerialServer


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(django_db_setup):
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CDTT_BROWSER_REQUIRED") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Once Playwright's event loop runs in this thread, Django hands out a new connection
    # object (connections are context-local), which lacks the snapshot that
    # serialized_rollback restores migration-seeded data (the skill catalog) from.
    snapshot = getattr(connections["default"], "_test_serialized_contents", None)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        if snapshot is not None:
            connections["default"]._test_serialized_contents = snapshot
        yield browser
        browser.close()


def _audited_page(browser, **options):
    """A page whose every load is audited by axe-core; the test fails at its end on any WCAG 2.1
    A/AA violation found on a page it opened."""
    from e2e.audit import audit_every_page

    context = browser.new_context(locale="vi-VN", **options)
    violations: list[str] = []
    audit_every_page(context, violations)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page, violations


def _finish(context, page, violations):
    try:
        # Let the audit of the last page opened finish and report.
        page.evaluate("() => new Promise((done) => setTimeout(done, 300))")
    except Exception:
        pass
    context.close()
    if violations:
        pytest.fail(
            "Accessibility (axe-core, WCAG 2.1 A/AA):\n" + "\n".join(sorted(set(violations)))
        )


@pytest.fixture
def page(browser):
    context, page, violations = _audited_page(browser, viewport={"width": 1280, "height": 900})
    yield page
    _finish(context, page, violations)


@pytest.fixture
def phone_page(browser):
    context, page, violations = _audited_page(
        browser, viewport={"width": 360, "height": 780}, is_mobile=True, has_touch=True
    )
    yield page
    _finish(context, page, violations)


@pytest.fixture
def phone_context(browser):
    """A phone-sized context and its page, audited like the others, for tests that need the
    context itself (offline mode, a second page)."""
    context, page, violations = _audited_page(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    yield context, page
    _finish(context, page, violations)
