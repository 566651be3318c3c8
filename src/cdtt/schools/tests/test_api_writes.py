"""The school API's writes: the teacher of the school (allowed), a teacher of a sibling
commune's school, anonymous; and each refusal answered as ``{detail}`` with nothing written."""

import datetime as dt
import json

from django.utils import timezone

from cdtt.registry.services import household_create, resident_create
from cdtt.schools.models import Completion, Lesson, SchoolClass
from cdtt.schools.tests.test_api import _token
from cdtt.skills.models import SkillAssessment


def _post(client, path, body, auth=None):
    return client.post(
        "/api/v1" + path, json.dumps(body), content_type="application/json", **(auth or {})
    )


def test_three_personas_create_a_class(client, school, teacher, other_teacher):
    body = {"school": school.pk, "name": "7b", "school_year": "2025-2026"}
    assert _post(client, "/school-classes", body).status_code == 401
    assert _post(client, "/school-classes", body, _token(client, other_teacher)).status_code == 404
    made = _post(client, "/school-classes", body, _token(client, teacher))
    assert made.status_code == 201 and made.json()["name"] == "7B" and made.json()["grade"] == 7
    assert SchoolClass.objects.filter(school=school).count() == 1


def test_a_lesson_is_planned_then_taught(client, teacher, student, skills):
    auth = _token(client, teacher)
    planned = _post(
        client,
        "/school-lessons",
        {
            "school_class": student.school_class_id,
            "skill": skills[0].code,
            "title": "Cài đặt VNeID",
            "planned_on": "2025-10-01",
        },
        auth,
    )
    assert planned.status_code == 201
    lesson_id = planned.json()["id"]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    future = _post(
        client, f"/school-lessons/{lesson_id}/delivered", {"delivered_on": tomorrow}, auth
    )
    assert future.status_code == 422 and future.json()["detail"]
    assert Lesson.objects.get(pk=lesson_id).delivered_on is None
    taught = _post(
        client, f"/school-lessons/{lesson_id}/delivered", {"delivered_on": "2025-10-01"}, auth
    )
    assert taught.json()["delivered_on"] == "2025-10-01"


def test_a_completion_of_a_matched_student_covers_the_household(
    client, teacher, other_teacher, student, family, skills
):
    _household, child = family
    auth = _token(client, teacher)
    match = _post(client, f"/school-students/{student.pk}/match", {"resident": child.pk}, auth)
    assert match.status_code == 200 and match.json()["household_code"] == "HK0001"
    body = {"student": student.pk, "skill": skills[0].code, "completed_on": "2025-10-02"}
    assert (
        _post(client, "/school-completions", body, _token(client, other_teacher)).status_code == 404
    )
    first = _post(client, "/school-completions", body, auth)
    again = _post(client, "/school-completions", body, auth)
    assert first.json() == again.json() and first.json()["assessed"] is True
    assert Completion.objects.count() == 1
    assert SkillAssessment.objects.filter(resident=child, method="school").count() == 1
    bad = _post(client, "/school-completions", {**body, "skill": "bogus"}, auth)
    assert bad.status_code == 422 and Completion.objects.count() == 1


def test_a_match_is_never_guessed_when_two_residents_fit(client, tree, teacher, student, family):
    _household, child = family
    resident_create(
        actor=None,
        household=household_create(actor=None, village=tree.village2, code="HK0002"),
        full_name="Nguyễn Văn An",
        birth_date=dt.date(2013, 3, 5),
        birth_year=None,
    )
    refused = _post(
        client,
        f"/school-students/{student.pk}/match",
        {"resident": child.pk},
        _token(client, teacher),
    )
    assert refused.status_code == 422 and "mã hộ" in refused.json()["detail"]
    student.refresh_from_db()
    assert student.resident_id is None
