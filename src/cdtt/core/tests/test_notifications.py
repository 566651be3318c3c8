"""Notifications: the service (rows, e-mail after commit only), the pages, the header's count."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from cdtt.core.models import Notification
from cdtt.core.notifications import notifications_purge, notify


@pytest.fixture
def people(make_user, tree):
    class People:
        owner = make_user("commune_officer", tree.commune, email="owner@example.vn")
        sibling = make_user("commune_officer", tree.sibling_commune, email="sib@example.vn")
        no_mail = make_user("team_member", tree.commune, username="no-mail")

    return People


@pytest.mark.django_db
def test_it_writes_one_row_per_recipient_and_mails_after_commit(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            rows = notify(
                recipients=[people.owner, people.no_mail, people.owner],  # the owner once
                title="Đã xong: Nhập tệp dan-cu.csv",
                body="Đã nhập 120 dòng.",
                link="/jobs/#job-7",
                kind="job.done",
            )
            assert len(rows) == 2
            assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert {(n.recipient_id, n.kind, n.read_at) for n in Notification.objects.all()} == {
        (people.owner.pk, "job.done", None),
        (people.no_mail.pk, "job.done", None),
    }
    # The user without an address gets the in-app row only.
    assert [m.to for m in mail.outbox] == [["owner@example.vn"]]
    message = mail.outbox[0]
    assert message.subject == "[CDTT] Đã xong: Nhập tệp dan-cu.csv"
    assert "Đã nhập 120 dòng." in message.body
    assert "http://127.0.0.1:8000/jobs/#job-7" in message.body


@pytest.mark.django_db
def test_nothing_is_written_or_sent_when_the_callers_transaction_rolls_back(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipients=[people.owner], title="Đã xong")
            raise RuntimeError("the caller's work failed")
    assert callbacks == []
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_false_and_inactive_users(people, django_capture_on_commit_callbacks):
    people.sibling.is_active = False
    people.sibling.save()
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(recipients=[people.owner, people.sibling], title="Tin", email=False)
    assert [n.recipient_id for n in rows] == [people.owner.pk]
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_mail_server_failure_is_logged_not_raised(
    people, django_capture_on_commit_callbacks, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = 9  # nothing listens there
    settings.EMAIL_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people.owner], title="Đã xong")
    assert Notification.objects.filter(recipient=people.owner).count() == 1
    assert "not sent" in caplog.text


@pytest.mark.django_db
def test_the_purge_removes_read_notifications_older_than_90_days(people):
    now = timezone.now()
    old_read, old_unread, new_read = (
        notify(recipients=[people.owner], title="a", email=False)
        + notify(recipients=[people.owner], title="b", email=False)
        + notify(recipients=[people.owner], title="c", email=False)
    )
    Notification.objects.filter(pk__in=[old_read.pk, old_unread.pk]).update(
        created_at=now - dt.timedelta(days=91)
    )
    Notification.objects.filter(pk__in=[old_read.pk, new_read.pk]).update(
        read_at=now - dt.timedelta(days=1)
    )
    assert notifications_purge() == 1
    assert set(Notification.objects.values_list("title", flat=True)) == {"b", "c"}


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_lists_ones_own_unread_first(client, people):
    (read,) = notify(recipients=[people.owner], title="Tin đã đọc", email=False)
    read.read_at = timezone.now()
    read.save()
    notify(recipients=[people.owner], title="Tin mới", body="Nội dung", link="/jobs/", email=False)
    notify(recipients=[people.sibling], title="Tin của xã bên", email=False)

    client.force_login(people.owner)
    html = client.get("/notifications/").content.decode()
    assert html.index("Tin mới") < html.index("Tin đã đọc")
    assert html.count('class="panel unread"') == 1
    assert "Tin của xã bên" not in html
    assert "Đánh dấu tất cả là đã đọc" in html


@pytest.mark.django_db
def test_marking_one_read_and_opening_its_link(client, people):
    (n,) = notify(recipients=[people.owner], title="Tin", link="/jobs/#job-3", email=False)
    client.force_login(people.owner)
    assert client.get(f"/notifications/{n.pk}/read/").status_code == 405  # POST only
    response = client.post(f"/notifications/{n.pk}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/jobs/#job-3"
    n.refresh_from_db()
    assert n.read_at is not None


@pytest.mark.django_db
def test_marking_all_read_touches_only_ones_own(client, people):
    mine = notify(recipients=[people.owner], title="1", email=False) + notify(
        recipients=[people.owner], title="2", email=False
    )
    (theirs,) = notify(recipients=[people.sibling], title="3", email=False)
    client.force_login(people.owner)
    assert client.post("/notifications/read/").status_code == 302
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_another_users_notification_cannot_be_read_or_marked(client, people):
    (theirs,) = notify(recipients=[people.sibling], title="Tin riêng", link="/jobs/", email=False)
    client.force_login(people.owner)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/", {"open": "1"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    client.force_login(people.sibling)  # its recipient may
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 302
    theirs.refresh_from_db()
    assert theirs.read_at is not None


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client, people):
    (n,) = notify(recipients=[people.owner], title="Tin", email=False)
    for response in (
        client.get("/notifications/"),
        client.post(f"/notifications/{n.pk}/read/"),
        client.post("/notifications/read/"),
    ):
        assert response.status_code == 302 and "/login" in response["Location"]
    n.refresh_from_db()
    assert n.read_at is None


@pytest.mark.django_db
def test_no_notifications_yet_says_what_will_appear(client, people):
    client.force_login(people.owner)
    html = client.get("/notifications/").content.decode()
    assert "Bạn chưa có thông báo nào" in html
    assert "Đánh dấu tất cả" not in html


@pytest.mark.django_db
def test_the_header_shows_the_unread_count_in_one_query(client, people, django_assert_num_queries):
    client.force_login(people.owner)
    html = client.get("/jobs/").content.decode()
    assert 'href="/notifications/"' in html and 'class="count"' not in html

    notify(recipients=[people.owner], title="1", email=False)
    notify(recipients=[people.owner], title="2", email=False)
    notify(recipients=[people.sibling], title="3", email=False)
    html = client.get("/jobs/").content.decode()
    assert '<span class="count">2</span>' in html

    from django.template import RequestContext, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = people.owner
    template = Template("{{ notifications_unread }}{% if notifications_unread %}!{% endif %}")
    with django_assert_num_queries(1):
        assert template.render(RequestContext(request)) == "2!"


@pytest.mark.django_db
def test_anonymous_pages_count_nothing(client, tree, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = client.get("/accounts/login/").content.decode()
    assert "/notifications/" not in html


@pytest.mark.django_db
def test_the_page_in_english(client, people):
    notify(recipients=[people.owner], title="Tin", email=False)
    client.force_login(people.owner)
    client.cookies["django_language"] = "en"
    html = client.get("/notifications/").content.decode()
    assert "Mark all as read" in html and "Mark as read" in html and "1 unread" in html
