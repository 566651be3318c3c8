"""Changing a course, its sessions, the topic catalog and the question bank: three personas for
the pages, and each rule that refuses a change."""

import datetime as dt

import pytest
from django.urls import reverse

from cdtt.audit.models import AuditEntry
from cdtt.training import services
from cdtt.training.models import Attendance, Completion, Topic
from cdtt.training.tests.factories import Training


@pytest.fixture
def t(tree, make_user):
    return Training(tree, make_user)


def _course_post(t, **changes) -> dict:
    data = {
        "title": t.course.title,
        "topics": [t.topic.pk],
        "organizer": t.organizer.pk,
        "mode": "in_person",
        "open_to": "everyone",
        "attendance_min": 100,
        "pass_mark": 50,
        "test_required": "on",
    }
    data.update(changes)
    return data


def test_the_course_edit_page_three_personas(client, t):
    url = reverse("training:edit", args=[t.course.pk])
    assert client.get(url).status_code == 302  # anonymous: the login page
    client.force_login(t.sibling_officer)
    assert client.get(url).status_code == 404
    assert client.post(url, _course_post(t, title="Đổi tên")).status_code == 404
    client.force_login(t.officer)
    assert client.get(url).status_code == 200
    response = client.post(url, _course_post(t, title="Tập huấn an toàn thông tin", capacity=30))
    assert response.status_code == 302
    t.course.refresh_from_db()
    assert (t.course.title, t.course.capacity) == ("Tập huấn an toàn thông tin", 30)
    entry = AuditEntry.objects.filter(action="course.update").get()
    assert entry.changes["before"]["title"] == "Tập huấn an toàn trên không gian mạng"


def test_a_closed_course_is_not_changed(t):
    services.course_close(actor=t.officer, course=t.course)
    with pytest.raises(services.Refused) as refused:
        services.course_update(
            actor=t.officer, course=t.course, topics=[t.topic], title="Khác", mode="online"
        )
    assert refused.value.status == 409


def test_completion_rules_are_fixed_once_someone_completed(t):
    Completion.objects.create(
        course=t.course, person=t.person, code="ABCD-EFGH", completed_on=dt.date(2026, 1, 5)
    )
    with pytest.raises(services.Refused) as refused:
        services.course_update(
            actor=t.officer, course=t.course, topics=[t.topic], title="X", pass_mark=90
        )
    assert "điều kiện hoàn thành" in refused.value.detail
    course = services.course_update(
        actor=t.officer, course=t.course, topics=[t.topic], title="Tên mới", pass_mark=50
    )
    assert course.title == "Tên mới"


def test_capacity_below_the_enrolled_is_refused(t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    services.enrol(actor=t.officer, course=t.course, person=t.colleague)
    with pytest.raises(services.Refused):
        services.course_update(
            actor=t.officer, course=t.course, topics=[t.topic], title="X", capacity=1
        )


def test_a_session_is_moved_and_one_without_attendance_removed(client, t):
    url = reverse("training:session_edit", args=[t.session.pk])
    client.force_login(t.sibling_officer)
    assert client.get(url).status_code == 404
    client.force_login(t.officer)
    response = client.post(
        url, {"starts_at": "02/06/2030 08:00", "ends_at": "02/06/2030 11:00", "trainer": "Cô Hoa"}
    )
    assert response.status_code == 302
    t.session.refresh_from_db()
    assert (t.session.starts_at.day, t.session.trainer) == (2, "Cô Hoa")
    bad = client.post(url, {"starts_at": "02/06/2030 11:00", "ends_at": "02/06/2030 08:00"})
    assert "Giờ kết thúc phải sau giờ bắt đầu" in bad.content.decode()
    Attendance.objects.create(session=t.session, person=t.person, method="list")
    client.post(reverse("training:session_delete", args=[t.session.pk]))
    assert t.course.sessions.filter(pk=t.session.pk).exists()  # attended: kept
    Attendance.objects.all().delete()
    client.post(reverse("training:session_delete", args=[t.session.pk]))
    assert not t.course.sessions.filter(pk=t.session.pk).exists()


def test_only_the_province_edits_the_topic_catalog(client, t, make_user):
    url = reverse("training:topic_edit", args=[t.topic.code])
    client.post(url, {"name": "Đổi bậy", "active": "on"})
    client.force_login(t.officer)
    client.post(url, {"name": "Đổi bậy", "active": "on"})
    assert Topic.objects.get(pk=t.topic.pk).name != "Đổi bậy"
    client.force_login(make_user("province_admin", t.tree.province, username="tinh"))
    client.post(url, {"name": "An toàn thông tin cá nhân"})
    topic = Topic.objects.get(pk=t.topic.pk)
    assert (topic.name, topic.active) == ("An toàn thông tin cá nhân", False)
    new_course = client.get(reverse("training:new")).content.decode()
    assert "An toàn thông tin cá nhân" not in new_course  # retired: not offered to new courses


def test_a_question_is_retired_from_the_bank(client, t):
    url = reverse("training:question_retire", args=[t.q1.pk])
    client.force_login(t.user)  # a member does not edit the bank
    client.post(url)
    t.q1.refresh_from_db()
    assert t.q1.active
    client.force_login(t.officer)
    client.post(url)
    t.q1.refresh_from_db()
    assert not t.q1.active
    assert list(services.test_questions(t.course)) == [t.q2]


def test_who_may_not_change_the_catalog_or_the_bank_is_refused_before_the_form(
    client, t, make_user
):
    """A refusal, not a redirect with a message: the leader reads the bank but changes nothing,
    a commune officer runs courses but the topic catalog is the province's."""
    leader = make_user("province_leader", t.tree.province, username="lanhdao")
    topic_url = reverse("training:topic_edit", args=[t.topic.code])
    retire_url = reverse("training:question_retire", args=[t.q1.pk])
    client.force_login(leader)
    assert client.post(topic_url, {"name": "Đổi bậy"}).status_code == 403
    assert client.post(retire_url).status_code == 403
    client.force_login(t.officer)
    assert client.post(topic_url, {"name": "Đổi bậy"}).status_code == 403
    t.q1.refresh_from_db()
    assert t.q1.active and Topic.objects.get(pk=t.topic.pk).name != "Đổi bậy"
    client.force_login(make_user("province_admin", t.tree.province, username="tinh"))
    assert client.post(topic_url, {"name": "An toàn thông tin"}).status_code == 302
    assert Topic.objects.get(pk=t.topic.pk).name == "An toàn thông tin"
