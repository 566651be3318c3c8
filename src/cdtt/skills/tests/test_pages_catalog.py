"""Skill catalog page: everyone reads, only the province edits names, descriptions, checklists."""

from cdtt.skills.models import ChecklistItem, Skill


def test_catalog_lists_the_five_skills_with_checklists(tree, make_user, login, client):
    assert client.get("/skills/").status_code == 302
    login(make_user("commune_officer", tree.commune))
    response = client.get("/skills/")
    assert response.status_code == 200
    html = response.content.decode()
    for skill in Skill.objects.all():
        assert skill.name in html
    item = ChecklistItem.objects.filter(active=True).first()
    assert item.text in html
    assert "/skills/public_services/edit/" not in html  # read only


def test_only_province_admin_edits(tree, make_user, login, client):
    login(make_user("district_officer", tree.district))
    assert client.get("/skills/local_platform/edit/").status_code == 403
    assert client.post("/skills/local_platform/checklist/add/", {"text": "x"}).status_code == 403
    login(make_user("province_leader", tree.province))
    assert client.get("/skills/local_platform/edit/").status_code == 403


def test_province_admin_renames_the_fifth_skill_and_edits_its_checklist(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    assert "/skills/local_platform/edit/" in client.get("/skills/").content.decode()
    response = client.post(
        "/skills/local_platform/edit/",
        {
            "name": "Sử dụng ứng dụng Phản hồi Thanh Hóa",
            "description": "Gửi phản ánh",
            "active": "on",
        },
    )
    assert response.status_code == 302
    skill = Skill.objects.get(code="local_platform")
    assert (skill.name, skill.description, skill.active) == (
        "Sử dụng ứng dụng Phản hồi Thanh Hóa",
        "Gửi phản ánh",
        True,
    )

    client.post("/skills/local_platform/checklist/add/", {"text": "Gửi một phản ánh"})
    item = ChecklistItem.objects.get(skill=skill, text="Gửi một phản ánh")
    client.post(
        f"/skills/checklist/{item.pk}/edit/",
        {"text": "Gửi một phản ánh và theo dõi", "position": 1},
    )
    item.refresh_from_db()
    assert item.text == "Gửi một phản ánh và theo dõi" and item.position == 1
    client.post(f"/skills/checklist/{item.pk}/remove/")
    item.refresh_from_db()
    assert not item.active
    assert "<li>Gửi một phản ánh và theo dõi</li>" not in client.get("/skills/").content.decode()


def test_empty_name_is_refused(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    response = client.post(
        "/skills/shopping/edit/", {"name": "  ", "description": "", "active": "on"}
    )
    assert response.status_code == 200
    assert Skill.objects.get(code="shopping").name == "Mua sắm trực tuyến"


def test_switching_a_skill_off_rebuilds_coverage_as_a_job(
    tree, make_user, login, django_capture_on_commit_callbacks
):
    from cdtt.core.models import Job
    from cdtt.registry.assessments import assessment_record
    from cdtt.registry.models import Household, VillageCoverage
    from cdtt.registry.services import household_create, resident_create
    from cdtt.skills.models import SKILL_CODES

    admin = make_user("province_admin", tree.province)
    household = household_create(actor=admin, village=tree.village, code="H1")
    resident = resident_create(
        actor=admin, household=household, full_name="Lê Văn B", birth_date=None, birth_year=1990
    )
    for code in SKILL_CODES[:4]:
        assessment_record(
            actor=admin, resident=resident, skill_code=code, level=2, method="home_visit"
        )
    assert not Household.objects.get(pk=household.pk).covered

    client = login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/skills/local_platform/edit/",
            {"name": "Nền tảng số khác", "description": "", "active": ""},
        )
    job = Job.objects.get(kind="rollups_rebuild")
    assert response.status_code == 302 and response["Location"].endswith(f"?job={job.pk}")
    job.refresh_from_db()
    assert job.status == "done"
    assert Household.objects.get(pk=household.pk).covered
    assert VillageCoverage.objects.get(village=tree.village).covered == 1
    page = client.get(response["Location"]).content.decode()
    assert "Tính lại số liệu phổ cập" in page
