"""The field app on a phone: log in, lose the signal, record two visits, get the signal back,
and see both visits stored exactly once and the household's coverage updated."""

import os

import pytest
from e2e.audit import wait_until

from cdtt.testing import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls around it are sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def phone(phone_context):  # audited by axe-core, from e2e/conftest.py
    return phone_context


@pytest.fixture
def field_data(make_user):
    from cdtt.campaigns.tests.factories import Field, seed_catalogs
    from cdtt.testing import Tree

    seed_catalogs()  # an earlier transactional test may have flushed them
    return Field(Tree(), make_user)


def _record(page, code: str, *, outcome: str, levels: dict[str, str] | None = None):
    page.locator(f'#households li[data-code="{code}"] button').click()
    page.wait_for_selector("#household-view:not([hidden])")
    page.locator(f'input[name=outcome][value="{outcome}"]').check()
    if levels:
        page.locator('input[name=service][value="vneid"]').check()
        page.locator("input[name=present]").first.check()
        resident = page.locator("#assessments details.resident").first
        resident.locator("summary").click()
        for skill, level in levels.items():
            resident.locator(f'select[data-skill="{skill}"]').select_option(level)
    page.locator("#save").click()
    page.wait_for_selector("#list-view:not([hidden])")


@pytest.mark.browser
# The live server needs real transactions; serialized_rollback brings back the skill and service
# catalogs (seeded by migrations) that an earlier transactional test may have flushed.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_visits_recorded_offline_are_synced_once(live_server, phone, field_data):
    from cdtt.campaigns.models import CampaignDay, Visit
    from cdtt.registry.models import Household
    from cdtt.skills.models import SKILL_CODES

    context, page = phone
    page.goto(f"{live_server.url}/campaigns/field/")
    page.fill("#login-form input[name=username]", "member")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector('#households li[data-code="HO-001"]')
    assert page.locator('#households li[data-code="HO-002"]').count() == 1
    assert page.locator('#households li[data-code="HO-900"]').count() == 0  # another village
    # The app shell is cached by the service worker: it opens again without a signal.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")

    context.set_offline(True)
    page.reload()
    page.wait_for_selector('#households li[data-code="HO-001"]')
    assert "Mất mạng" in page.inner_text("#net")

    # Search by a resident's name, ignoring diacritics.
    page.fill("#search", "le van chu")
    assert page.locator("#households li").count() == 1
    page.fill("#search", "")
    page.dispatch_event("#search", "input")

    _record(page, "HO-001", outcome="guided", levels={c: "2" for c in SKILL_CODES})
    _record(page, "HO-002", outcome="come_back_later")
    assert page.inner_text("#queue-count") == "2"
    assert Visit.objects.count() == 0

    context.set_offline(False)
    wait_until(page, "document.getElementById('queue-count').textContent === '0'")
    page.wait_for_selector('#households li[data-code="HO-001"] .badge:text("Đã đạt")')

    # Synced once, even if the app is asked to sync again.
    page.evaluate("document.getElementById('sync').click()")
    page.wait_for_timeout(500)
    assert Visit.objects.count() == 2
    assert set(Visit.objects.values_list("outcome", flat=True)) == {"guided", "come_back_later"}
    assert all(v.campaign_id == field_data.campaign.pk for v in Visit.objects.all())
    assert Household.objects.get(code="HO-001").covered
    assert not Household.objects.get(code="HO-002").covered
    day = CampaignDay.objects.get()
    assert (day.visits, day.households, day.new_households) == (2, 2, 2)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_full_phone_makes_room_or_says_so_and_loses_nothing(live_server, phone, field_data):
    """The phone's storage is full: cached worklists of other villages make room for the visit;
    when nothing can be freed, the member is told and the form keeps what they typed."""
    from cdtt.campaigns.models import Visit

    context, page = phone
    page.goto(f"{live_server.url}/campaigns/field/")
    page.fill("#login-form input[name=username]", "member")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector('#households li[data-code="HO-001"]')
    context.set_offline(True)

    # Fill the storage up with worklists of other villages, as after days in other places.
    filled = page.evaluate(
        """() => {
        let n = 0;
        for (const size of [256 * 1024, 4096, 64]) {  // to the last few bytes
            const chunk = "x".repeat(size);
            try { for (;;) { localStorage.setItem("cdtt.field.worklist.other-" + n, chunk); n++; } }
            catch (e) { /* full at this size: go on smaller */ }
        }
        return n;
    }"""
    )
    assert filled > 0
    _record(page, "HO-002", outcome="come_back_later")
    assert page.inner_text("#queue-count") == "1"
    left = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('cdtt.field.worklist.other-')).length"
    )
    assert left < filled  # room was made from the other villages' worklists

    # Nothing left to free: the visit is not queued, the member is told, the form stays.
    page.evaluate(
        """() => {
        const real = Storage.prototype.setItem;
        Storage.prototype.setItem = function (k, v) {
            if (k === "cdtt.field.queue") throw new DOMException("full", "QuotaExceededError");
            return real.call(this, k, v);
        };
    }"""
    )
    page.locator('#households li[data-code="HO-001"] button').click()
    page.wait_for_selector("#household-view:not([hidden])")
    page.locator('input[name=outcome][value="nobody_home"]').check()
    page.locator("#save").click()
    page.wait_for_selector("text=Bộ nhớ máy đã đầy")
    assert page.locator("#household-view:not([hidden])").count() == 1
    assert page.inner_text("#queue-count") == "1"
    assert Visit.objects.count() == 0
