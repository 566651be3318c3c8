"""The pages of the top floor: the home page and the audit log (three personas each)."""

from cdtt.audit.models import AuditEntry
from cdtt.audit.services import audit_record


def test_home_page_for_an_officer_a_field_member_and_anonymous(client, tree, make_user, login):
    assert client.get("/").status_code == 302
    officer = login(make_user("commune_officer", tree.commune))
    page = officer.get("/")
    assert page.status_code == 200
    assert tree.commune.name in page.content.decode()
    assert page.context["coverage"] is not None
    officer.logout()
    member = login(make_user("team_member", tree.sibling_village))
    page = member.get("/")
    assert page.status_code == 200 and page.context["is_field"]
    assert "coverage" not in page.context


def test_the_menu_leads_to_the_audit_log_for_those_who_may_read_it(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    names = [item["name"] for item in client.get("/").context["nav"]]
    assert names[0] == "site:home" and "site:audit_log" in names
    client.logout()
    client = login(make_user("team_member", tree.village))
    assert "site:audit_log" not in [item["name"] for item in client.get("/").context["nav"]]


def test_audit_log_shows_the_viewers_subtree_only(client, tree, make_user, login):
    audit_record(actor=None, action="unit.rename", unit=tree.village, summary="Thôn Yên Trung")
    audit_record(actor=None, action="unit.rename", unit=tree.sibling_village, summary="Thôn Đông")
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    allowed = login(make_user("commune_officer", tree.commune)).get("/audit/").content.decode()
    assert "Thôn Yên Trung" in allowed and "Thôn Đông" not in allowed
    client.logout()
    sibling = login(make_user("commune_officer", tree.sibling_commune, username="ben-canh"))
    text = sibling.get("/audit/").content.decode()
    assert "Thôn Đông" in text and "Thôn Yên Trung" not in text
    client.logout()
    assert login(make_user("team_leader", tree.village)).get("/audit/").status_code == 403


def test_audit_log_exports_the_same_entries_as_a_workbook(tree, make_user, login):
    audit_record(actor=None, action="unit.rename", unit=tree.village, summary="Thôn Yên Trung")
    client = login(make_user("province_admin", tree.province))
    response = client.get("/audit/?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_audit_log_filters_and_its_export_is_audited(tree, make_user, login):
    audit_record(actor=None, action="unit.rename", unit=tree.village, summary="Thôn Yên Trung")
    audit_record(actor=None, action="household.create", unit=tree.village, summary="Hộ HK01")
    officer = make_user("commune_officer", tree.commune)
    client = login(officer)
    html = client.get("/audit/", {"q": "Yên"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Thôn Yên Trung" in html and "Hộ HK01" not in html and "<html" not in html
    html = client.get("/audit/", {"action": "household.create"}).content.decode()
    assert "Hộ HK01" in html and "Thôn Yên Trung" not in html
    response = client.get("/audit/", {"format": "xlsx", "action": "unit.rename"})
    assert response.status_code == 200
    # The log names people: taking it out of the system is itself logged.
    entry = AuditEntry.objects.get(action="audit.export")
    assert entry.actor == officer and entry.unit_path == tree.commune.path
    assert entry.changes["filters"] == {"action": "unit.rename"} and entry.changes["rows"] == 1


def test_audit_log_speaks_vietnamese_links_what_was_touched_and_filters(tree, make_user, login):
    import datetime as dt
    import io

    from django.utils import timezone
    from openpyxl import load_workbook

    from cdtt.registry.services import household_create

    officer = make_user("commune_officer", tree.commune, full_name="Lê Thị Bích")
    other = make_user("commune_officer", tree.commune, username="khac", full_name="Trần Văn Khác")
    home = household_create(actor=officer, village=tree.village, code="HO-777")
    audit_record(
        actor=other, action="visit.create", unit=tree.village, summary="HO-777 · nobody_home"
    )
    old = audit_record(actor=other, action="unit.rename", unit=tree.village2, summary="Thôn cũ")
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))
    client = login(officer)
    html = client.get("/audit/").content.decode()
    # Labels, not codes; the household's page as a link.
    assert "Ghi lượt đến hộ</span>" in html and "Thêm hộ gia đình</span>" in html
    assert "Không có ai ở nhà" in html
    assert "nobody_home" not in html and "<code>visit.create</code>" not in html
    assert f'href="/registry/households/{home.pk}/"' in html
    # By person, action, unit and date.
    html = client.get("/audit/", {"who": "Khác"}).content.decode()
    assert "HO-777 · Không có ai ở nhà" in html and "Thêm hộ gia đình</span>" not in html
    html = client.get("/audit/", {"action": "household.create"}).content.decode()
    assert "Thêm hộ gia đình</span>" in html and "Ghi lượt đến hộ</span>" not in html
    html = client.get("/audit/", {"unit": "16000"}).content.decode()
    assert "Thôn cũ" in html
    since = (timezone.localdate() - dt.timedelta(days=7)).strftime("%d/%m/%Y")
    html = client.get("/audit/", {"since": since}).content.decode()
    assert "Thôn cũ" not in html and "HO-777" in html
    html = client.get("/audit/", {"since": "hôm qua"}).content.decode()
    assert "không phải ngày dạng dd/mm/yyyy" in html and "Thôn cũ" in html
    # The sibling commune's officer cannot pick a unit outside their scope.
    sibling = make_user("commune_officer", tree.sibling_commune, username="ben-canh2")
    client.force_login(sibling)
    assert "Thôn cũ" not in client.get("/audit/", {"unit": "16000"}).content.decode()
    # The export carries the same labels.
    client.force_login(officer)
    response = client.get("/audit/", {"format": "xlsx", "who": "Khác"})
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "Ghi lượt đến hộ" in values and "HO-777 · Không có ai ở nhà" in values
