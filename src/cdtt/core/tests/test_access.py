"""Deny by default: every page declares its access rule; anonymous users reach only public ones."""

from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC_OK = {"accounts:login", "accounts:logout", "core:healthz"}


def _patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else prefix
            yield from _patterns(p, ns)
        elif isinstance(p, URLPattern):
            yield f"{prefix}{p.name}", p.callback


def test_every_page_declares_an_access_rule():
    missing = [
        name
        for name, view in _patterns(get_resolver())
        if not name.startswith("api")
        and name != "set_language"
        and getattr(view, "access_rule", None) is None
    ]
    assert missing == []


def test_a_view_without_rule_is_refused(rf, db):
    from django.core.exceptions import PermissionDenied

    from cdtt.core.access import DenyByDefaultMiddleware

    def undeclared(request):
        raise AssertionError("must not run")

    middleware = DenyByDefaultMiddleware(lambda r: None)
    request = rf.get("/somewhere/")
    try:
        middleware.process_view(request, undeclared, (), {})
    except PermissionDenied:
        pass
    else:
        raise AssertionError("an undeclared view was let through")


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get("/units/38/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_home_fits_the_role(tree, make_user, login):
    leader = make_user("province_leader", tree.province)
    body = login(leader).get("/").content.decode()
    assert "Lãnh đạo tỉnh" in body
    officer = make_user("commune_officer", tree.commune)
    body = login(officer).get("/").content.decode()
    assert "Xã Quảng Định" in body and "Quản lý địa bàn" in body


def test_vietnamese_first_even_for_an_english_browser(tree, make_user, client):
    client.force_login(make_user("province_admin", tree.province))
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in body and "Trang chủ" in body


def test_english_is_available(tree, make_user, client):
    client.force_login(make_user("province_admin", tree.province))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert 'lang="en"' in body
    assert "Home" in body


def test_health_check_is_public(client, db):
    assert client.get("/healthz").content == b"ok"
