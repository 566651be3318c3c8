"""The public pages: no login, only what a team chose to publish."""

from cdtt.skills.models import ChecklistItem, Skill
from cdtt.teams.services import team_update
from cdtt.teams.tests.factories import found_team


def test_home_and_skills_are_public(client, db):
    s, _ = Skill.objects.update_or_create(
        code="payment",
        defaults={"name": "Thanh toán trực tuyến", "description": "Chuyển tiền", "active": True},
    )
    ChecklistItem.objects.create(skill=s, text="Quét mã QR để thanh toán")
    Skill.objects.create(code="old_skill", name="Kỹ năng cũ", active=False)
    assert "Tổ công nghệ số cộng đồng" in client.get("/public/").content.decode()
    body = client.get("/public/skills/").content.decode()
    assert "Quét mã QR để thanh toán" in body and "Kỹ năng cũ" not in body


def test_search_ignores_diacritics(client, tree):
    body = client.get("/public/find/?q=quang dinh").content.decode()
    assert "Quảng Định" in body
    body = client.get(f"/public/find/?commune={tree.commune.code}").content.decode()
    assert tree.village.full_name in body and tree.village2.full_name in body
    assert "Không tìm thấy" in client.get("/public/find/?q=khong co dau").content.decode()


def test_resident_sees_team_leader_and_only_published_contact(client, tree):
    team = found_team(tree.village, contact_phone="0912345678")
    body = client.get(f"/public/units/{tree.village.code}/").content.decode()
    assert team.name in body and "Lê Văn Tổ" in body
    assert "0912345678" not in body
    team_update(
        actor=None,
        team=team,
        name=team.name,
        villages=[tree.village],
        contact_phone="0912345678",
        publish_contact=True,
    )
    body = client.get(f"/public/units/{tree.village.code}/").content.decode()
    assert "0912345678" in body
    assert "Thành Viên 1" not in body  # other members stay private
    assert "chưa có Tổ" in client.get(f"/public/units/{tree.village2.code}/").content.decode()


def test_logged_in_users_see_it_too(client, tree, make_user):
    client.force_login(make_user("commune_officer", tree.sibling_commune))
    assert client.get(f"/public/units/{tree.village.code}/").status_code == 200
