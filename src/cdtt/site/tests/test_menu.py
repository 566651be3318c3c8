"""The menu in groups under headings: every section a user may open appears exactly once, a
section no group names still appears (under "Khác"), and the menu needs no script."""

from cdtt.site import context


def _groups(client):
    return client.get("/").context["nav_groups"]


def test_every_allowed_section_is_in_one_group_for_each_role(tree, make_user, login):
    for role, unit in [
        ("province_admin", tree.province),
        ("commune_officer", tree.commune),
        ("team_member", tree.village),
    ]:
        client = login(make_user(role, unit))
        nav = [item["name"] for item in client.get("/").context["nav"]]
        grouped = [item["name"] for g in _groups(client) for item in g["items"]]
        assert sorted(grouped) == sorted(nav) and len(grouped) == len(set(grouped)), role
        assert all(g["items"] for g in _groups(client))
        client.logout()


def test_the_admin_menu_is_short_lists_under_headings(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    groups = _groups(client)
    assert len(groups) >= 4
    assert max(len(g["items"]) for g in groups) <= 6
    body = client.get("/").content.decode()
    menu = body[body.index('<details class="menu">') : body.index("</details>")]
    assert menu.count('class="menu-heading"') == len(groups)
    assert "<script" not in menu and " onclick" not in menu


def test_a_section_named_in_no_group_goes_under_other(monkeypatch, tree, make_user, login):
    monkeypatch.setattr(context, "GROUPS", [g for g in context.GROUPS if "core:jobs" not in g[1]])
    client = login(make_user("province_admin", tree.province))
    last = _groups(client)[-1]
    assert str(last["heading"]) == "Khác"
    assert [i["name"] for i in last["items"]] == [
        "geo:browse",
        "accounts:users",
        "site:audit_log",
        "privacy:access_log",
        "core:imports",
        "core:jobs",
    ]


def test_anonymous_gets_no_menu(client):
    assert client.get("/accounts/login/").context["nav_groups"] == []
