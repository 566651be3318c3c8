"""A member checks in to a training session offline with the field app (typing the code under
the QR), the check-in is sent once when the signal comes back, the member passes the end test
on the phone, and the certificate verifies on the public page."""

import os

import pytest
from e2e.audit import wait_until

from cdtt.testing import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def phone(phone_context):  # audited by axe-core, from e2e/conftest.py
    return phone_context


@pytest.fixture
def course(make_user):
    from cdtt.campaigns.tests.factories import seed_catalogs
    from cdtt.testing import Tree
    from cdtt.training import services
    from cdtt.training.tests.factories import Training

    seed_catalogs()
    t = Training(Tree(), make_user)
    services.enrol(actor=t.user, course=t.course, person=t.person)
    return t


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_checkin_offline_pass_the_test_and_verify(live_server, phone, course):
    from cdtt.training.checkins import checkin_token
    from cdtt.training.models import Attendance, Completion

    context, page = phone
    page.goto(f"{live_server.url}/campaigns/field/")
    page.fill("#login-form input[name=username]", "member")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#list-view:not([hidden])")

    context.set_offline(True)
    page.click("#checkin-open")
    page.wait_for_selector("#checkin-view:not([hidden])")
    page.fill("#checkin-code", checkin_token(course.session).lower())  # typed, any case
    page.click("#checkin-form button[type=submit]")
    assert "khi có mạng" in page.inner_text("#checkin-status")
    assert "chờ gửi" in page.inner_text("#checkin-queue")
    assert not Attendance.objects.exists()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, "document.getElementById('checkin-queue').textContent === ''")
    page.wait_for_selector("#my-courses li:has-text('1/1 buổi')")
    assert Attendance.objects.filter(person=course.person, method="qr").count() == 1

    # The end test, on the phone's browser.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "member")
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.goto(f"{live_server.url}/training/my/{course.course.pk}/")
    page.click("text=Làm bài kiểm tra")
    page.check(f'input[name="q{course.q1.pk}"][value="{course.q1_no.pk}"]')
    page.check(f'input[name="q{course.q2.pk}"][value="{course.q2_a.pk}"]')
    page.check(f'input[name="q{course.q2.pk}"][value="{course.q2_b.pk}"]')
    page.click("#test button[type=submit]")
    page.wait_for_selector("#certificate")
    code = Completion.objects.get(person=course.person).code
    assert code in page.inner_text("#certificate")

    # Anyone checks it: a fresh browser, no login.
    public = context.browser.new_context()
    check = public.new_page()
    check.goto(f"{live_server.url}/verify/{code}")
    verdict = check.inner_text("#verdict")
    assert "còn hiệu lực" in verdict
    body = check.inner_text("main") if check.locator("main").count() else check.inner_text("body")
    assert "Nguyễn V. A**" in body and "Nguyễn Văn An" not in body
    public.close()
