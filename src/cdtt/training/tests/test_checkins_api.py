"""POST /api/v1/checkins: exactly once like visits; the bad inputs of the issue, each a test."""

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from cdtt.campaigns.tests.factories import token_for
from cdtt.training import services
from cdtt.training.checkins import checkin_token
from cdtt.training.models import Attendance, Completion
from cdtt.training.tests.factories import Training


@pytest.fixture
def t(tree, make_user):
    t = Training(tree, make_user)
    services.enrol(actor=t.user, course=t.course, person=t.person)
    return t


def post(client, user, body):
    return client.post(
        "/api/v1/checkins",
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(user)}"},
    )


def body(t, **extra):
    return {"id": str(uuid.uuid4()), "session": t.session.pk, "token": checkin_token(t.session)}


def test_a_checkin_is_stored_once_and_a_resend_replays_it(client, t):
    payload = body(t)
    first = post(client, t.user, payload)
    assert first.status_code == 201, first.content
    again = post(client, t.user, payload)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"] == payload["id"]
    assert Attendance.objects.count() == 1


def test_the_same_uuid_with_another_content_is_a_conflict(client, t):
    payload = body(t)
    assert post(client, t.user, payload).status_code == 201
    other = {**payload, "token": checkin_token(t.session, timezone.now() - dt.timedelta(minutes=5))}
    assert post(client, t.user, other).status_code == 409
    assert Attendance.objects.count() == 1


def test_checking_in_twice_is_refused(client, t):
    assert post(client, t.user, body(t)).status_code == 201
    second = post(client, t.user, body(t))
    assert second.status_code == 409
    assert "đã điểm danh" in second.json()["detail"]
    assert Attendance.objects.count() == 1


def test_a_forged_token_is_refused(client, t):
    token = checkin_token(t.session)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = post(client, t.user, {**body(t), "token": forged})
    assert response.status_code == 403
    assert "không hợp lệ" in response.json()["detail"]
    assert not Attendance.objects.exists()


def test_a_token_of_another_session_is_refused(client, t):
    other = services.session_add(
        actor=t.officer,
        course=t.course,
        starts_at=t.session.starts_at,
        ends_at=t.session.ends_at,
    )
    response = post(client, t.user, {**body(t), "token": checkin_token(other)})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_an_expired_token_is_refused(client, t):
    shown_yesterday = checkin_token(t.session, timezone.now() - dt.timedelta(days=1))
    response = post(client, t.user, {**body(t), "token": shown_yesterday})
    assert response.status_code == 403
    assert "hết hạn" in response.json()["detail"]
    assert not Attendance.objects.exists()


def test_a_member_not_enrolled_is_refused(client, t):
    response = post(client, t.sibling_user, body(t))
    assert response.status_code == 403
    assert "chưa đăng ký" in response.json()["detail"]
    assert not Attendance.objects.exists()


def test_anonymous_is_refused(client, t):
    response = client.post(
        "/api/v1/checkins", data=json.dumps(body(t)), content_type="application/json"
    )
    assert response.status_code == 401
    assert not Attendance.objects.exists()


def test_a_typed_code_in_lower_case_with_spaces_is_accepted(client, t):
    typed = " ".join(checkin_token(t.session).lower().split("."))
    typed = typed.replace(" ", ". ")
    assert post(client, t.user, {**body(t), "token": typed}).status_code == 201


@pytest.mark.parametrize(
    "bad",
    [{"id": "not-a-uuid"}, {"session": None}, {"token": ""}],
)
def test_malformed_checkins_are_422(client, t, bad):
    response = post(client, t.user, {**body(t), **bad})
    assert response.status_code == 422
    assert not Attendance.objects.exists()


def test_invalid_json_is_400(client, t):
    response = client.post(
        "/api/v1/checkins",
        data="{",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(t.user)}"},
    )
    assert response.status_code == 400


def test_a_checkin_sent_late_from_the_offline_queue_counts(client, t):
    from cdtt.training.checkins import checkin_submit

    shown = checkin_token(t.session)
    later = t.session.ends_at + dt.timedelta(days=2)
    attendance, created = checkin_submit(
        actor=t.user,
        payload={"id": str(uuid.uuid4()), "session": t.session.pk, "token": shown},
        now=later,
    )
    assert created and attendance.method == "qr"


def test_checkin_and_a_passed_test_complete_the_course(client, t):
    assert post(client, t.user, body(t)).status_code == 201
    services.test_submit(actor=t.user, course=t.course, person=t.person, answers=t.right_answers())
    assert Completion.objects.filter(person=t.person, course=t.course).exists()


def test_my_courses_lists_sessions_and_certificate(client, t):
    post(client, t.user, body(t))
    response = client.get(
        "/api/v1/training/courses", headers={"Authorization": f"Bearer {token_for(t.user)}"}
    )
    item = response.json()["items"][0]
    assert item["title"] == t.course.title
    assert item["sessions"][0]["attended"] is True
    other = client.get(
        "/api/v1/training/courses", headers={"Authorization": f"Bearer {token_for(t.sibling_user)}"}
    )
    assert other.json()["items"] == []


def test_a_checkin_that_completes_the_course_issues_its_certificate(
    client, t, django_assert_max_num_queries
):
    """A course without a test, of one session: the check-in completes it, with the
    completion's audit entry and the member's notification, in a handful of statements."""
    from django.db import connection

    from cdtt.audit.models import AuditEntry
    from cdtt.core.models import Notification

    t.course.test_required = False
    t.course.save(update_fields=["test_required"])
    headers = {"Authorization": f"Bearer {token_for(t.user)}"}
    payload = body(t)
    # The token, the facts, BEGIN, the attendance with its entry and the completion, the
    # completion's entry and notification, COMMIT; on SQLite each table's rows are a statement
    # of their own.
    with django_assert_max_num_queries(6 if connection.vendor == "postgresql" else 9):
        response = client.post(
            "/api/v1/checkins",
            data=json.dumps(payload),
            content_type="application/json",
            headers=headers,
        )
    assert response.status_code == 201, response.content
    completion = Completion.objects.get(person=t.person, course=t.course)
    assert (completion.attendance_rate, completion.score) == (100, None)
    assert AuditEntry.objects.filter(action="course.checkin", object_id=payload["id"]).exists()
    assert AuditEntry.objects.filter(
        action="course.complete", object_id=str(completion.pk)
    ).exists()
    assert Notification.objects.filter(recipient=t.user, kind="training.completed").count() == 1
    # Sent again: the stored check-in, nothing more.
    again = client.post(
        "/api/v1/checkins",
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers,
    )
    assert again.status_code == 200
    assert Completion.objects.filter(person=t.person).count() == 1
