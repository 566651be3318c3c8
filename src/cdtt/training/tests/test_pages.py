"""The training pages: three personas (the commune's officer, a sibling commune's officer,
anonymous), the member's pages, the trainer's list, the whole course's certificates job."""

import pytest
from django.urls import reverse

from cdtt.training import services
from cdtt.training.models import Attendance, Completion, Course, Enrolment
from cdtt.training.tests.factories import Training


@pytest.fixture
def t(tree, make_user):
    return Training(tree, make_user)


def test_the_course_page_three_personas(client, t):
    url = reverse("training:detail", args=[t.course.pk])
    assert client.get(url).status_code == 302  # anonymous: the login page
    client.force_login(t.sibling_officer)
    assert client.get(url).status_code == 404
    client.force_login(t.officer)
    page = client.get(url)
    assert page.status_code == 200 and t.course.title in page.content.decode()


def test_the_list_shows_only_courses_in_scope_and_exports(client, t):
    client.force_login(t.sibling_officer)
    assert t.course.title not in client.get(reverse("training:list")).content.decode()
    client.force_login(t.officer)
    assert t.course.title in client.get(reverse("training:list")).content.decode()
    export = client.get(reverse("training:list") + "?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_officer_creates_a_course(client, t):
    from cdtt.training.models import Topic

    client.force_login(t.officer)
    response = client.post(
        reverse("training:new"),
        {
            "title": "Kỹ năng hướng dẫn người dân",
            "topics": [Topic.objects.get(code="guiding_residents").pk],
            "organizer": t.organizer.pk,
            "mode": "blended",
            "open_to": "teams",
            "eligible_teams": [t.team.pk],
            "attendance_min": 50,
            "test_required": "on",
            "pass_mark": 60,
            "test_deadline": "31/12/2030 17:00",
        },
    )
    course = Course.objects.get(title="Kỹ năng hướng dẫn người dân")
    assert response.status_code == 302
    assert course.path == t.tree.commune.path and course.test_deadline.year == 2030
    assert list(course.eligible_teams.all()) == [t.team]


def test_invite_session_and_the_trainers_list(client, t):
    client.force_login(t.officer)
    client.post(reverse("training:invite", args=[t.course.pk]), {"teams": [t.team.pk]})
    assert Enrolment.objects.filter(course=t.course).count() == 2
    client.post(
        reverse("training:session_add", args=[t.course.pk]),
        {"starts_at": "01/06/2030 08:00", "ends_at": "01/06/2030 11:00", "place": "Hội trường"},
    )
    assert t.course.sessions.count() == 2
    page = client.get(reverse("training:session", args=[t.session.pk])).content.decode()
    assert "<svg" in page and "checkin-code" in page  # the session is under way: its QR
    client.post(
        reverse("training:session_mark", args=[t.session.pk]),
        {"person": t.colleague.pk, "present": "1"},
    )
    assert Attendance.objects.filter(person=t.colleague, method="list").exists()


def test_a_sibling_officer_cannot_mark_attendance(client, t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    client.force_login(t.sibling_officer)
    response = client.post(
        reverse("training:session_mark", args=[t.session.pk]),
        {"person": t.person.pk, "present": "1"},
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_deleting_a_course_with_completions_is_refused_on_the_page(client, t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    services.attendance_set(actor=t.officer, session=t.session, person=t.person, present=True)
    services.test_submit(actor=t.user, course=t.course, person=t.person, answers=t.right_answers())
    client.force_login(t.officer)
    response = client.post(reverse("training:delete", args=[t.course.pk]), follow=True)
    assert Course.objects.filter(pk=t.course.pk).exists()
    assert "hãy đóng khóa" in response.content.decode()


def test_the_member_enrols_takes_the_test_and_sees_the_certificate(client, t):
    client.force_login(t.user)
    my = client.get(reverse("training:my")).content.decode()
    assert t.course.title in my  # open to them
    client.post(reverse("training:enrol", args=[t.course.pk]))
    services.attendance_set(actor=t.officer, session=t.session, person=t.person, present=True)
    answers = {f"q{k}": v for k, v in t.right_answers().items()}
    client.post(reverse("training:test", args=[t.course.pk]), answers)
    completion = Completion.objects.get(person=t.person)
    page = client.get(reverse("training:my_course", args=[t.course.pk])).content.decode()
    assert completion.code in page


def test_the_sibling_member_cannot_take_the_test(client, t):
    client.force_login(t.sibling_user)
    assert client.get(reverse("training:test", args=[t.course.pk])).status_code == 404


def test_the_whole_course_certificates_job(client, t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    services.enrol(actor=t.officer, course=t.course, person=t.colleague)
    services.attendance_set(actor=t.officer, session=t.session, person=t.person, present=True)
    services.test_submit(actor=t.user, course=t.course, person=t.person, answers=t.right_answers())
    client.force_login(t.officer)
    response = client.post(reverse("training:certificates", args=[t.course.pk]))
    assert response.status_code == 302 and "job=" in response["Location"]
    from cdtt.core.models import Job

    job = Job.objects.get(kind="certificates")
    assert job.status == "done", job.message
    assert job.result == {"issued": 1, "made": 1}
    completion = Completion.objects.get()
    assert completion.pdf.name.endswith(".pdf")
    pdf = client.get(reverse("training:certificate_pdf", args=[completion.code]))
    assert pdf.content[:4] == b"%PDF"


def test_the_topic_catalog_and_question_bank(client, t, make_user):
    admin = make_user("province_admin", t.tree.province, username="admin")
    client.force_login(admin)
    client.post(reverse("training:topics"), {"name": "Trí tuệ nhân tạo"})
    from cdtt.training.models import Question, Topic

    topic = Topic.objects.get(name="Trí tuệ nhân tạo")
    response = client.post(
        reverse("training:topic", args=[topic.code]),
        {"text": "Chọn một", "kind": "single", "choices": "*Đúng\nSai\n*Cũng đúng"},
    )
    assert response.status_code == 200  # two right answers to a single choice: refused
    client.post(
        reverse("training:topic", args=[topic.code]),
        {"text": "Chọn một", "kind": "single", "choices": "*Đúng\nSai"},
    )
    assert Question.objects.filter(topic=topic).count() == 1


def test_the_members_profile_shows_their_courses(client, t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    client.force_login(t.user)
    profile = client.get(reverse("teams:profile")).content.decode()
    assert reverse("training:my_fragment") in profile
    fragment = client.get(reverse("training:my_fragment"), headers={"HX-Request": "true"})
    assert t.course.title in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
