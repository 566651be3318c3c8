"""The school API, with the three personas."""

from cdtt.schools.services import student_match_confirm


def _token(client, user):
    from cdtt.testing import PASSWORD

    answer = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {answer.json()['token']}"}


def test_the_teacher_reads_their_students(client, teacher, student, family):
    _household, child = family
    auth = _token(client, teacher)
    body = client.get("/api/v1/schools", **auth).json()
    assert [s["code"] for s in body["items"]] == ["TH001"]
    body = client.get(f"/api/v1/school-students?school_class={student.school_class_id}", **auth)
    item = body.json()["items"][0]
    assert (item["full_name"], item["match"], item["completed"]) == ("Nguyễn Văn An", "one", [])
    student_match_confirm(actor=teacher, student=student, resident_id=child.pk)
    body = client.get("/api/v1/school-students", **auth).json()
    assert body["items"][0]["match"] == "confirmed"


def test_a_teacher_of_another_school_sees_none(client, other_teacher, student):
    auth = _token(client, other_teacher)
    assert client.get("/api/v1/school-students", **auth).json() == {"count": 0, "items": []}
    assert [s["code"] for s in client.get("/api/v1/schools", **auth).json()["items"]] == ["TH002"]


def test_anonymous_is_refused(client, student):
    assert client.get("/api/v1/school-students").status_code == 401
    assert client.get("/api/v1/schools").status_code == 401
