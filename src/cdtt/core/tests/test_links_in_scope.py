"""A link is shown only where it leads: breadcrumbs and "up" links above the viewer's scope are
plain text, and a unit page answers 404 to whoever may not see it, whatever the reason."""

import pytest

from cdtt.core.access import may_open


@pytest.fixture
def team(tree):
    from cdtt.teams import services

    leader = services.person_create(actor=None, full_name="Lê Văn Tổ", phone="0912000111")
    import datetime as dt

    return services.team_found(
        actor=None,
        unit=tree.village,
        leader=leader,
        name="Tổ CNSCĐ thôn Yên Trung",
        decision_number="1/QĐ-UBND",
        decision_date=dt.date(2024, 1, 5),
    )


def test_may_open_follows_the_pages_rule_and_the_scope(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    assert may_open(officer, "geo:unit", tree.commune)
    assert not may_open(officer, "geo:unit", tree.district)  # above the scope
    assert not may_open(officer, "geo:unit", tree.sibling_commune)  # a sibling
    leader = make_user("team_leader", tree.commune)
    assert not may_open(leader, "geo:unit", tree.commune)  # a role without unit pages
    from django.contrib.auth.models import AnonymousUser

    assert not may_open(AnonymousUser(), "geo:unit", tree.commune)
    assert may_open(AnonymousUser(), "portal:home")


@pytest.mark.parametrize(
    "url",
    [
        "/units/{code}/",
        "/registry/units/{code}/",
        "/teams/figures/{code}/",
        "/units/{code}/map.json",
    ],
)
def test_a_unit_page_answers_404_to_a_role_without_it_and_outside_the_scope(
    tree, make_user, login, url
):
    member = login(make_user("team_member", tree.commune))
    assert member.get(url.format(code=tree.commune.code)).status_code == 404
    officer = login(make_user("commune_officer", tree.commune))
    assert officer.get(url.format(code=tree.commune.code)).status_code in (200, 302)
    assert officer.get(url.format(code=tree.sibling_commune.code)).status_code == 404
    assert officer.get(url.format(code=tree.province.code)).status_code == 404


def test_breadcrumbs_link_only_what_the_viewer_may_open(tree, make_user, login):
    client = login(make_user("commune_officer", tree.commune))
    body = client.get(f"/units/{tree.village.code}/").content.decode()
    crumbs = body[body.index('class="breadcrumbs"') :].split("</nav>")[0]
    assert f'href="/units/{tree.commune.code}/"' in crumbs
    assert f'href="/units/{tree.province.code}/"' not in crumbs
    assert f'href="/units/{tree.district.code}/"' not in crumbs
    assert "Tỉnh Thanh Hóa" in crumbs  # still named, as plain text


def test_a_team_page_links_no_unit_page_to_its_members(tree, make_user, login, team):
    from cdtt.teams.models import Team

    user = make_user("team_leader", tree.commune)
    client = login(user)
    body = client.get(f"/teams/{team.pk}/").content.decode()
    assert Team.objects.filter(pk=team.pk).exists()
    assert 'href="/units/' not in body


def test_the_import_link_shows_only_to_who_may_import(tree, make_user, login):
    leader = login(make_user("province_leader", tree.province))
    assert 'href="/imports/students/"' not in leader.get("/schools/").content.decode()
    admin = login(make_user("province_admin", tree.province))
    assert 'href="/imports/students/"' in admin.get("/schools/").content.decode()
