"""Pages with the three personas: allowed (commune officer), sibling commune, anonymous."""

import pytest

from cdtt.teams.models import MemberRole, Team
from cdtt.teams.tests.factories import found_team


@pytest.fixture
def team(tree):
    return found_team(tree.village)


@pytest.fixture
def officer(tree, make_user):
    return make_user("commune_officer", tree.commune)


@pytest.fixture
def sibling(tree, make_user):
    return make_user("commune_officer", tree.sibling_commune)


def _pages(team):
    m = team.memberships.get(role=MemberRole.DEPUTY)
    return [
        f"/teams/{team.pk}/",
        f"/teams/{team.pk}/edit/",
        f"/teams/members/{m.pk}/edit/",
        f"/teams/people/{m.person_id}/",
    ]


def test_lists_and_pages_render_for_officer(team, officer, login, tree):
    client = login(officer)
    for url in [
        "/teams/",
        "/teams/?format=xlsx",
        "/teams/members/",
        "/teams/members/?format=xlsx",
        "/teams/new/",
        "/teams/organizations/",
        "/teams/figures/",
        "/teams/figures/?format=xlsx",
        f"/teams/communes/{tree.commune.code}/",
        "/imports/teams/",
        "/teams/me/",
        "/imports/teams/template.xlsx",
        *_pages(team),
    ]:
        assert client.get(url).status_code == 200, url
    body = client.get("/teams/").content.decode()
    assert team.name in body and "Lê Văn Tổ" in body
    assert 'id="villages-without-team"' in body


def test_sibling_commune_sees_nothing(team, sibling, login):
    client = login(sibling)
    for url in _pages(team):
        assert client.get(url).status_code == 404, url
    assert team.name not in client.get("/teams/").content.decode()
    m = team.memberships.get(role=MemberRole.DEPUTY)
    assert client.post(f"/teams/members/{m.pk}/remove/").status_code == 404
    assert client.post(f"/teams/{team.pk}/dissolve/").status_code == 404


def test_anonymous_is_sent_to_login(team, client):
    for url in ["/teams/", "/teams/members/", *_pages(team)]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_officer_founds_team_and_adds_member_and_figure_changes(tree, officer, login):
    client = login(officer)
    page = client.get(f"/teams/communes/{tree.commune.code}/").content.decode()
    assert '<div class="num">2</div><div>Thôn chưa có tổ' in page
    response = client.post(
        "/teams/new/",
        {
            "unit": tree.village.code,
            "full_name": "Phạm Văn Bình",
            "phone": "0912 345 678",
            "decision_number": "5/QĐ-UBND",
            "decision_date": "01/10/2024",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    team = Team.objects.get()
    assert team.decision_date.isoformat() == "2024-10-01"
    response = client.post(
        f"/teams/{team.pk}/members/add/",
        {"full_name": "Đỗ Thị Lan", "role": "deputy", "core_force": "on", "skills": ["payment"]},
    )
    assert response.status_code == 302
    assert team.memberships.filter(left_on__isnull=True).count() == 2
    page = client.get(f"/teams/communes/{tree.commune.code}/").content.decode()
    assert '<div class="num">1</div><div>Thôn chưa có tổ' in page


def test_invite_shows_temporary_password_once(team, officer, login):
    client = login(officer)
    m = team.memberships.get(role=MemberRole.LEADER)
    body = client.post(f"/teams/members/{m.pk}/invite/").content.decode()
    assert 'id="password"' in body
    m.person.refresh_from_db()
    assert m.person.user.role == "team_leader"


def test_member_updates_own_profile(team, login):
    from cdtt.teams.services import member_invite

    m = team.memberships.get(role=MemberRole.DEPUTY)
    user, _ = member_invite(actor=None, membership=m)
    client = login(user)
    assert "Thành Viên 1" in client.get("/teams/me/").content.decode()
    client.post("/teams/me/", {"phone": "+84 987 654 321", "email": "tv1@example.vn"})
    m.person.refresh_from_db()
    assert m.person.phone == "0987654321" and m.person.email == "tv1@example.vn"
    body = client.post("/teams/me/", {"phone": "12345", "email": ""}).content.decode()
    assert "không hợp lệ" in body.lower() or "Không phải" in body


def test_field_member_cannot_manage(team, login):
    from cdtt.teams.services import member_invite

    m = team.memberships.get(role=MemberRole.DEPUTY)
    user, _ = member_invite(actor=None, membership=m)
    client = login(user)
    assert client.get(f"/teams/{team.pk}/").status_code == 200
    assert client.post(f"/teams/{team.pk}/dissolve/").status_code == 403
