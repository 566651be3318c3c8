"""The teams API with the three personas, through bearer tokens."""

import pytest

from cdtt.teams.models import MemberRole
from cdtt.teams.services import member_invite
from cdtt.teams.tests.factories import found_team
from cdtt.testing import PASSWORD


def _token(client, user) -> dict:
    r = client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": PASSWORD},
        content_type="application/json",
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {r.json()['token']}"}


@pytest.fixture
def team(tree):
    return found_team(tree.village)


def test_officer_lists_teams_of_unit(client, tree, team, make_user):
    h = _token(client, make_user("commune_officer", tree.commune))
    body = client.get(f"/api/v1/teams?unit={tree.commune.code}", **h).json()
    assert body["count"] == 1
    assert body["items"][0] == {
        "id": team.pk,
        "name": team.name,
        "level": "village",
        "unit_code": tree.village.code,
        "leader": "Lê Văn Tổ",
        "members": 3,
    }
    detail = client.get(f"/api/v1/teams/{team.pk}", **h).json()
    assert detail["villages"] == [tree.village.code] and len(detail["roster"]) == 3
    members = client.get(f"/api/v1/members?unit={tree.village.code}", **h).json()
    assert members["count"] == 3


def test_sibling_gets_404_and_empty_lists(client, tree, team, make_user):
    h = _token(client, make_user("commune_officer", tree.sibling_commune))
    assert client.get(f"/api/v1/teams/{team.pk}", **h).status_code == 404
    r = client.get(f"/api/v1/teams?unit={tree.commune.code}", **h)
    assert r.status_code == 404 and "detail" in r.json()
    assert client.get("/api/v1/teams", **h).json()["count"] == 0
    assert client.get("/api/v1/members", **h).json()["count"] == 0


def test_anonymous_gets_401(client, team):
    for url in [
        "/api/v1/teams",
        f"/api/v1/teams/{team.pk}",
        "/api/v1/members",
        "/api/v1/me/member",
    ]:
        r = client.get(url)
        assert r.status_code == 401 and "detail" in r.json(), url


def test_member_reads_own_profile(client, tree, team, make_user):
    m = team.memberships.get(role=MemberRole.DEPUTY)
    user, password = member_invite(actor=None, membership=m)
    user.set_password(PASSWORD)
    user.save()
    h = _token(client, user)
    body = client.get("/api/v1/me/member", **h).json()
    assert body["full_name"] == "Thành Viên 1" and body["villages"] == [tree.village.code]
    assert client.get(f"/api/v1/teams/{team.pk}", **h).status_code == 200
    h2 = _token(client, make_user("commune_officer", tree.commune))
    assert client.get("/api/v1/me/member", **h2).status_code == 404
