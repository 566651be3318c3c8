"""Households list and household page: scope, search, filters, masking, export, residents,
assessments flipping coverage at once."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from cdtt.audit.models import AuditEntry
from cdtt.registry.assessments import assessment_record
from cdtt.registry.models import Household, Resident
from cdtt.registry.services import household_create, resident_create
from cdtt.skills.models import SKILL_CODES, ChecklistItem, SkillAssessment


def add_household(village, code, *, names=("Nguyễn Văn An",), phone="", covered=False, skills=()):
    """A household with residents (the first is the head), built through the services."""
    household = household_create(actor=None, village=village, code=code, address=f"Số {code}")
    residents = [
        resident_create(
            actor=None,
            household=household,
            full_name=name,
            birth_date=dt.date(1980 + i, 1, 2),
            birth_year=None,
            relation="Chủ hộ" if i == 0 else "Con",
            phone=phone if i == 0 else "",
        )
        for i, name in enumerate(names)
    ]
    for skill in SKILL_CODES if covered else skills:
        assessment_record(
            actor=None, resident=residents[0], skill_code=skill, level=2, method="home_visit"
        )
    household.refresh_from_db()
    return household, residents


@pytest.fixture
def data(tree):
    add_household(tree.village, "A1", names=("Trần Văn Đức",), phone="0912345567", covered=True)
    add_household(tree.village, "A2", names=("Lê Thị Bình", "Lê Văn Cường"), skills=["payment"])
    add_household(tree.village2, "B1", names=("Phạm Thị Hoa",))
    add_household(tree.sibling_village, "C1", names=("Hoàng Văn Nam",))
    return tree


def codes(response):
    return sorted(row["household"].code for row in response.context["rows"])


# --- list ----------------------------------------------------------------------------------


def test_list_shows_scope_only(data, make_user, login):
    client = login(make_user("commune_officer", data.commune))
    response = client.get("/registry/households/")
    assert response.status_code == 200
    assert codes(response) == ["A1", "A2", "B1"]
    assert client.get(f"/registry/households/?unit={data.sibling_commune.code}").status_code == 404


def test_list_personas(data, make_user, login, client):
    assert client.get("/registry/households/").status_code == 302
    login(make_user("commune_officer", data.sibling_commune))
    response = client.get("/registry/households/")
    assert codes(response) == ["C1"]
    assert client.get(f"/registry/households/?unit={data.village.code}").status_code == 404


def test_phone_masked_in_list_unless_the_role_calls_people(data, make_user, login):
    client = login(make_user("province_admin", data.province))
    html = client.get("/registry/households/").content.decode()
    assert "0912345567" not in html
    assert "0912***567" in html
    # The commune's officer calls the households: the number in clear.
    client = login(make_user("commune_officer", data.commune))
    assert "0912345567" in client.get("/registry/households/").content.decode()


def test_search_ignores_diacritics_and_finds_codes(data, make_user, login):
    client = login(make_user("district_officer", data.district))
    assert codes(client.get("/registry/households/?q=tran van duc")) == ["A1"]
    assert codes(client.get("/registry/households/?q=Cường")) == ["A2"]
    assert codes(client.get("/registry/households/?q=B1")) == ["B1"]
    empty = client.get("/registry/households/?q=không+có+ai")
    assert "Không có hộ nào khớp bộ lọc." in empty.content.decode()


def test_filters_by_village_coverage_and_missing_skill(data, make_user, login):
    client = login(make_user("commune_officer", data.commune))
    assert codes(client.get(f"/registry/households/?village={data.village2.code}")) == ["B1"]
    assert codes(client.get("/registry/households/?covered=yes")) == ["A1"]
    assert codes(client.get("/registry/households/?covered=no")) == ["A2", "B1"]
    assert codes(client.get("/registry/households/?missing=payment")) == ["B1"]
    assert codes(client.get("/registry/households/?missing=shopping&covered=no")) == ["A2", "B1"]


def test_pagination(tree, make_user, login):
    for i in range(55):
        household_create(actor=None, village=tree.village, code=f"H{i:03d}")
    client = login(make_user("commune_officer", tree.commune))
    first = client.get("/registry/households/")
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.num_pages == 2
    assert len(client.get("/registry/households/?page=2").context["rows"]) == 5


def test_export_filtered_list(data, make_user, login):
    client = login(make_user("commune_officer", data.commune))
    response = client.get(f"/registry/households/?unit={data.commune.code}&covered=no&format=xlsx")
    assert response.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True)
    )
    assert sorted(r[1] for r in rows[1:]) == ["A2", "B1"]
    assert any("Lê Văn Cường" in (r[6] or "") for r in rows[1:])
    assert AuditEntry.objects.filter(action="registry.households_export").count() == 1


def test_a_large_export_runs_as_a_job_followed_on_the_page(data, make_user, login, settings):
    """Above the threshold the list is written by a background job (run inline in tests): the
    page that asked shows its progress and offers the file; the export is audited as before."""
    from pathlib import Path

    from cdtt.core.models import Job

    settings.CDTT_EXPORT_BACKGROUND_ROWS = 1
    officer = make_user("commune_officer", data.commune)
    client = login(officer)
    response = client.get(f"/registry/households/?unit={data.commune.code}&format=xlsx")
    assert response.status_code == 302
    job = Job.objects.get(kind="export", created_by=officer)
    assert response["Location"].endswith(f"export_job={job.pk}")
    page = client.get(response["Location"]).content.decode()
    total = Household.objects.filter(commune=data.commune).count()
    assert job.title in page and "Tải tệp Excel" in page and f"Đã xuất {total} dòng" in page
    download = client.get(f"/jobs/{job.pk}/file")
    assert download.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    codes = [r[1] for r in list(book.active.iter_rows(values_only=True))[1:]]
    assert len(codes) == total and {"A2", "B1"} <= set(codes)
    entry = AuditEntry.objects.get(action="registry.households_export")
    assert entry.actor == officer and entry.changes["rows"] == total
    # Only its owner may take it; once swept, the page says it is gone.
    other = make_user("commune_officer", data.commune, username="khac")
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/file").status_code == 404
    client.force_login(officer)
    Path(job.file).unlink()
    assert client.get(f"/jobs/{job.pk}/file").status_code == 404


def test_empty_list_says_what_to_do(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    assert (
        "Chưa có hộ gia đình nào. Hãy nhập danh sách nhân khẩu."
        in client.get("/registry/households/").content.decode()
    )


# --- household page ------------------------------------------------------------------------


def test_household_page_personas(data, make_user, login, client):
    household = Household.objects.get(code="A2")
    assert client.get(f"/registry/households/{household.pk}/").status_code == 302
    login(make_user("commune_officer", data.sibling_commune))
    assert client.get(f"/registry/households/{household.pk}/").status_code == 404
    login(make_user("commune_officer", data.commune, username="own"))
    response = client.get(f"/registry/households/{household.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lê Văn Cường" in html and "Chưa có người thành thạo 5 kỹ năng" in html


def test_household_create_and_edit(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    response = client.post(
        "/registry/households/new/",
        {"village": tree.village.pk, "code": "N01", "address": "Xóm giữa"},
    )
    household = Household.objects.get(code="N01")
    assert response.status_code == 302 and household.village == tree.village
    client.post(
        f"/registry/households/{household.pk}/edit/",
        {"village": tree.village2.pk, "address": "Mới"},
    )
    household.refresh_from_db()
    assert (household.village, household.address) == (tree.village2, "Mới")
    # A village outside the scope is not offered.
    response = client.post(
        "/registry/households/new/", {"village": tree.sibling_village.pk, "code": "N02"}
    )
    assert response.status_code == 200 and not Household.objects.filter(code="N02").exists()


def test_province_leader_cannot_write_nor_see_households(data, make_user, login):
    client = login(make_user("province_leader", data.province))
    household = Household.objects.get(code="A1")
    # Figures only: the dashboard, never a household with its residents' names.
    assert client.get(f"/registry/households/{household.pk}/").status_code == 403
    assert client.get("/registry/households/").status_code == 403
    assert client.get("/registry/").status_code == 200
    assert client.get("/registry/households/new/").status_code == 403
    assert client.post(f"/registry/households/{household.pk}/residents/new/", {}).status_code == 403


def test_add_and_edit_resident(data, make_user, login):
    client = login(make_user("commune_officer", data.commune))
    household = Household.objects.get(code="B1")
    response = client.post(
        f"/registry/households/{household.pk}/residents/new/",
        {
            "full_name": "Phạm Văn Tú",
            "birth": "31/12/2001",
            "gender": "M",
            "relation": "Con",
            "phone": "912 000 111",
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get(full_name="Phạm Văn Tú")
    assert resident.birth_date == dt.date(2001, 12, 31) and resident.phone == "0912000111"
    bad = client.post(
        f"/registry/households/{household.pk}/residents/new/",
        {"full_name": "X", "birth": "31/02/1990"},
    )
    assert bad.status_code == 200 and "Ngày sinh không hợp lệ" in bad.content.decode()
    client.post(
        f"/registry/residents/{resident.pk}/edit/",
        {
            "full_name": "Phạm Văn Tú",
            "birth": "2001",
            "gender": "M",
            "relation": "Con",
            "phone": "",
        },
    )
    resident.refresh_from_db()
    assert resident.birth_date is None and resident.birth_year == 2001 and resident.phone == ""


def test_move_out_and_back_changes_coverage_at_once(data, make_user, login):
    client = login(make_user("commune_officer", data.commune))
    household = Household.objects.get(code="A1")
    head = household.residents.get()
    client.post(f"/registry/residents/{head.pk}/status/", {"status": "moved_out"})
    household.refresh_from_db()
    assert not household.covered
    page = client.get(f"/registry/households/{household.pk}/").content.decode()
    assert "Đã chuyển đi" in page
    client.post(f"/registry/residents/{head.pk}/status/", {"status": "current"})
    household.refresh_from_db()
    assert household.covered
    # A resident of another commune: 404.
    other = Resident.objects.get(full_name="Hoàng Văn Nam")
    assert (
        client.post(f"/registry/residents/{other.pk}/status/", {"status": "deceased"}).status_code
        == 404
    )


def test_recording_assessments_flips_the_household_to_covered(data, make_user, login):
    client = login(make_user("team_member", data.village))
    household = Household.objects.get(code="A2")
    resident = household.residents.order_by("pk").first()
    page = client.get(f"/registry/residents/{resident.pk}/assess/?skill=public_services")
    assert page.status_code == 200
    item = ChecklistItem.objects.filter(skill__code="public_services", active=True).first()
    assert item.text in page.content.decode()
    today = dt.date.today().strftime("%d/%m/%Y")
    for code in SKILL_CODES:
        if code == "payment":
            continue
        checklist = [item.pk] if code == "public_services" else []
        response = client.post(
            f"/registry/residents/{resident.pk}/assess/",
            {
                "skill": code,
                "level": 2,
                "method": "home_visit",
                "assessed_on": today,
                "assessor_name": "Tổ 1",
                "checklist": checklist,
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    household.refresh_from_db()
    assert household.covered
    latest = SkillAssessment.objects.filter(resident=resident, skill__code="public_services").get()
    assert latest.checklist == [item.pk] and latest.assessor_name == "Tổ 1"
    officer = login(make_user("commune_officer", data.commune))
    assert (
        "Đã có người thành thạo 5 kỹ năng"
        in officer.get(f"/registry/households/{household.pk}/").content.decode()
    )


def test_assessment_personas(data, make_user, login, client):
    resident = Resident.objects.get(full_name="Phạm Thị Hoa")
    url = f"/registry/residents/{resident.pk}/assess/"
    assert client.get(url).status_code == 302
    login(make_user("team_member", data.village))  # Hoa lives in village 2
    assert client.get(url).status_code == 404
    login(make_user("province_leader", data.province))
    assert client.get(url).status_code == 403


def test_assessment_rejects_a_future_date(data, make_user, login):
    client = login(make_user("commune_officer", data.commune))
    resident = Resident.objects.get(full_name="Phạm Thị Hoa")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    response = client.post(
        f"/registry/residents/{resident.pk}/assess/",
        {"skill": "payment", "level": 2, "method": "home_visit", "assessed_on": tomorrow},
    )
    assert (
        response.status_code == 200
        and not SkillAssessment.objects.filter(resident=resident).exists()
    )


def test_household_page_names_the_file_the_levels_came_from(tree, make_user, login):
    from cdtt.registry.imports import population_import

    header = (
        "Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Dịch vụ công trực tuyến,Mua sắm trực tuyến,"
        "Thanh toán trực tuyến,An toàn trên không gian mạng,Nền tảng số khác\n"
    )
    result = population_import(
        actor=None,
        data=(header + "16000,Yên Trung,HK01,Nguyễn Văn An,1990,2,2,2,2,1\n").encode(),
        file_name="nhan-khau-xa.csv",
    )
    assert result.ok, result.errors
    client = login(make_user("commune_officer", tree.commune))
    household = Household.objects.get(code="HK01")
    html = client.get(f"/registry/households/{household.pk}/").content.decode()
    day = timezone.localdate().strftime("%d/%m/%Y")
    assert f"Mức theo tệp “nhan-khau-xa.csv” nhập ngày {day}" in html


def test_the_fast_export_rows_equal_the_columns(data, make_user):
    """The household list's export reads plain values for speed: the same rows as its columns."""
    from cdtt.core.listing import export_rows, export_rows_by_columns
    from cdtt.registry.views import HOUSEHOLDS

    resident_create(
        actor=None,
        household=Household.objects.filter(commune=data.commune).first(),
        full_name="Đỗ Thị Lan",
        birth_date=dt.date(1990, 1, 2),
        birth_year=None,
        relation="Vợ",
        phone="0912345678",
    )
    queryset = Household.objects.select_related("village", "commune").order_by("code")
    fast = list(export_rows(HOUSEHOLDS, queryset))
    assert fast == list(export_rows_by_columns(HOUSEHOLDS, queryset))
    assert len(fast) == queryset.count() and any(r[7] for r in fast)
