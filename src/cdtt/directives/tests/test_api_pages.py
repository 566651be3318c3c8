"""The tasks API, the pages and the calendar feed with the three personas: an officer of an
agency of the task, an officer of an agency with no part in it, anonymous."""

import datetime as dt

import pytest
from icalendar import Calendar

from cdtt.directives import services
from cdtt.directives.models import Progress, Recurrence, Urging
from cdtt.testing import PASSWORD

pytestmark = pytest.mark.django_db


def _token(client, user) -> dict:
    r = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {r.json()['token']}"}


def test_api_tasks_for_the_agency_officer(client, world):
    r = client.get("/api/v1/tasks", **_token(client, world.ict_officer))
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["directive"] == "3240/UBND-CNTT" and item["clause"] == "1a"
    assert item["lead"] == {"id": world.edu.pk, "name": "Sở GD&ĐT"}
    assert [a["id"] for a in item["co_agencies"]] == [world.ict.pk]
    assert item["deadline"] == "2024-12-31"
    assert item["status"] == "open" and item["overdue"] is True  # today is after 31/12/2024


def test_api_filters_by_agency_and_status(client, world):
    headers = _token(client, world.admin)
    assert (
        client.get(f"/api/v1/tasks?agency={world.edu.pk}&status=overdue", **headers).json()["count"]
        == 1
    )
    assert client.get(f"/api/v1/tasks?agency={world.other.pk}", **headers).json()["count"] == 0
    assert client.get("/api/v1/tasks?status=done", **headers).json()["count"] == 0
    services.progress_report(
        actor=world.edu_officer, task=world.task, status="done", percent=100, text="Xong"
    )
    body = client.get("/api/v1/tasks?status=done", **headers).json()
    assert body["count"] == 1 and body["items"][0]["overdue"] is False
    assert client.get("/api/v1/tasks?status=late", **headers).status_code == 422


def test_api_sibling_agency_sees_nothing_and_anonymous_is_refused(client, world):
    assert client.get("/api/v1/tasks", **_token(client, world.other_officer)).json()["count"] == 0
    assert client.get("/api/v1/tasks").status_code == 401


def test_task_page_three_personas(client, world):
    url = f"/directives/tasks/{world.task.pk}/"
    client.force_login(world.ict_officer)
    page = client.get(url).content.decode()
    assert "progress-form" in page and "task-figure" in page and "urge-form" not in page
    client.force_login(world.other_officer)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_progress_through_the_page(client, world):
    client.force_login(world.edu_officer)
    r = client.post(
        f"/directives/tasks/{world.task.pk}/progress/",
        {"status": "in_progress", "percent": "60", "text": "Đã xây dựng kế hoạch"},
    )
    assert r.status_code == 302
    assert Progress.objects.get().agency == world.edu
    client.force_login(world.other_officer)
    assert (
        client.post(
            f"/directives/tasks/{world.task.pk}/progress/",
            {"status": "done", "percent": "100", "text": "x"},
        ).status_code
        == 404
    )
    assert Progress.objects.count() == 1


def test_urging_through_the_page(client, world):
    client.force_login(world.admin)
    r = client.post(
        f"/directives/tasks/{world.task.pk}/urge/",
        {"agency": world.ict.pk, "message": "Đề nghị báo cáo"},
    )
    assert r.status_code == 302
    assert Urging.objects.get().agency == world.ict
    page = client.get(f"/directives/tasks/{world.task.pk}/").content.decode()
    assert "task-urgings" in page and "Đề nghị báo cáo" in page
    client.force_login(world.edu_officer)
    assert (
        client.post(
            f"/directives/tasks/{world.task.pk}/urge/", {"agency": world.edu.pk}
        ).status_code
        == 403
    )


def test_directive_and_task_forms(client, world):
    client.force_login(world.admin)
    r = client.post(
        f"/directives/{world.directive.pk}/tasks/new/",
        {
            "clause": "2d",
            "title": "Tôn vinh, khen thưởng",
            "lead": world.ict.pk,
            "co_agencies": [world.edu.pk],
            "recurrence": Recurrence.YEARLY,
            "due_day": "10",
            "due_month": "10",
        },
    )
    assert r.status_code == 302
    r = client.post(
        f"/directives/{world.directive.pk}/tasks/new/",
        {"clause": "2e", "title": "x", "deadline": "01/01/2024"},
    )
    page = r.content.decode()
    assert r.status_code == 200 and "cơ quan chủ trì" in page and "trước ngày ban hành" in page
    client.force_login(world.edu_officer)
    assert client.get("/directives/new/").status_code == 403
    assert client.get(f"/directives/{world.directive.pk}/").status_code == 200
    client.force_login(world.other_officer)
    assert client.get(f"/directives/{world.directive.pk}/").status_code == 404


def test_tasks_list_and_export(client, world):
    client.force_login(world.ict_officer)
    page = client.get("/directives/tasks/").content.decode()
    assert "Đưa 05 kỹ năng số" in page and "Quá hạn" in page
    r = client.get("/directives/tasks/?format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(world.other_officer)
    assert "Đưa 05 kỹ năng số" not in client.get("/directives/tasks/").content.decode()


def test_calendar_feed_is_secret_and_per_user(client, world):
    client.force_login(world.edu_officer)
    page = client.get("/directives/calendar/").content.decode()
    token = services.calendar_feed_token(user=world.edu_officer)
    assert token in page
    client.logout()
    r = client.get(f"/directives/calendar/{token}.ics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    events = [c for c in Calendar.from_ical(r.content).walk("VEVENT")]
    assert len(events) == 1 and events[0].decoded("dtstart") == dt.date(2024, 12, 31)
    other = services.calendar_feed_token(user=world.other_officer)
    assert (
        Calendar.from_ical(client.get(f"/directives/calendar/{other}.ics").content).walk("VEVENT")
        == []
    )
    assert client.get("/directives/calendar/not-a-token.ics").status_code == 404
    new = services.calendar_feed_token(user=world.edu_officer, reset=True)
    assert client.get(f"/directives/calendar/{token}.ics").status_code == 404
    assert client.get(f"/directives/calendar/{new}.ics").status_code == 200


def test_leaders_view_three_personas(client, world):
    client.force_login(world.leader)
    r = client.get("/directives/leaders/")
    page = r.content.decode()
    assert r.status_code == 200 and "leaders-figures" in page and "Sở GD&amp;ĐT" in page
    client.force_login(world.edu_officer)
    assert client.get("/directives/leaders/").status_code == 403
    client.logout()
    assert client.get("/directives/leaders/").status_code == 302


def test_a_progress_document_is_downloaded_through_the_task_rule(client, world, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cdtt.directives import services

    settings.MEDIA_ROOT = str(tmp_path)
    report = services.progress_report(
        actor=world.edu_officer,
        task=world.task,
        status="in_progress",
        percent=10,
        text="Đã dạy thử ở hai trường.",
        document=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%..."),
    )
    url = f"/directives/tasks/{world.task.pk}/reports/{report.pk}/document/"
    client.force_login(world.ict_officer)  # co-ordinates the task
    page = client.get(f"/directives/tasks/{world.task.pk}/").content.decode()
    assert url in page  # the page links the document through the rule, not its storage
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.other_officer)  # an agency with no part in the task
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_directive_file_is_downloaded_through_the_directive_rule(
    client, world, tmp_path, settings
):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = str(tmp_path)
    world.directive.file.save("cong-van.pdf", ContentFile(b"%PDF-1.4\n%..."))
    url = f"/directives/{world.directive.pk}/file/"
    client.force_login(world.edu_officer)  # leads a task of the directive
    assert url in client.get(f"/directives/{world.directive.pk}/").content.decode()
    assert client.get(url).status_code == 200
    client.force_login(world.other_officer)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
