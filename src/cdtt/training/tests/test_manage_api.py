"""The officers' course API: three personas, and each refusal answered as ``{detail}``."""

import json

import pytest

from cdtt.campaigns.tests.factories import token_for
from cdtt.training.models import Course, Enrolment
from cdtt.training.tests.factories import Training


@pytest.fixture
def t(tree, make_user):
    return Training(tree, make_user)


def _body(t, **changes) -> dict:
    body = {
        "title": "Kỹ năng hướng dẫn người dân",
        "organizer": t.organizer.pk,
        "mode": "blended",
        "topics": ["safety", "guiding_residents"],
        "open_to": "teams",
        "eligible_teams": [t.team.pk],
        "attendance_min": 50,
        "test_required": False,
    }
    return {**body, **changes}


def _call(client, method, path, user=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"} if user else {}
    send = getattr(client, method)
    if method == "get":
        return send("/api/v1" + path, **headers)
    return send(
        "/api/v1" + path, json.dumps(body or {}), content_type="application/json", **headers
    )


def test_three_personas_list_and_change_a_course(client, t):
    url = f"/courses/{t.course.pk}"
    assert _call(client, "get", "/courses").status_code == 401
    assert _call(client, "put", url, body=_body(t)).status_code == 401
    assert _call(client, "get", "/courses", t.sibling_officer).json()["count"] == 0
    assert _call(client, "put", url, t.sibling_officer, _body(t)).status_code == 404
    listed = _call(client, "get", "/courses", t.officer).json()
    assert [c["id"] for c in listed["items"]] == [t.course.pk]
    changed = _call(client, "put", url, t.officer, _body(t, title="Tập huấn mới"))
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Tập huấn mới"
    assert sorted(changed.json()["topics"]) == ["guiding_residents", "safety"]


def test_create_add_a_session_invite_and_close(client, t):
    created = _call(client, "post", "/courses", t.officer, _body(t))
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert Course.objects.get(pk=pk).unit == t.tree.commune
    session = _call(
        client,
        "post",
        f"/courses/{pk}/sessions",
        t.officer,
        {"starts_at": "2030-06-01T08:00:00+07:00", "ends_at": "2030-06-01T11:00:00+07:00"},
    )
    assert session.status_code == 201
    invited = _call(client, "post", f"/courses/{pk}/invitations", t.officer, {"teams": [t.team.pk]})
    assert invited.json() == {"invited": 2}
    assert Enrolment.objects.filter(course_id=pk).count() == 2
    closed = _call(client, "post", f"/courses/{pk}/close", t.officer)
    assert closed.json()["status"] == "closed"
    again = _call(client, "put", f"/courses/{pk}", t.officer, _body(t))
    assert again.status_code == 409 and "đã đóng" in again.json()["detail"]


def test_bad_requests_write_nothing(client, t):
    before = Course.objects.count()
    unknown_topic = _call(client, "post", "/courses", t.officer, _body(t, topics=["bogus"]))
    assert unknown_topic.status_code == 404
    foreign_unit = _call(client, "post", "/courses", t.officer, _body(t, unit="16100"))
    assert foreign_unit.status_code == 404
    no_title = _call(client, "post", "/courses", t.officer, _body(t, title="   "))
    assert no_title.status_code == 422
    backwards = _call(
        client,
        "post",
        f"/courses/{t.course.pk}/sessions",
        t.officer,
        {"starts_at": "2030-06-01T11:00:00+07:00", "ends_at": "2030-06-01T08:00:00+07:00"},
    )
    assert backwards.status_code == 422 and backwards.json()["detail"]
    assert Course.objects.count() == before and t.course.sessions.count() == 1
