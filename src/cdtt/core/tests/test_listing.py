"""The listing mechanism: one declaration renders the page, its htmx fragment and its XLSX from
the selector's scoped queryset, and audits exports of personal data."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory
from openpyxl import load_workbook

from cdtt.audit.models import AuditEntry
from cdtt.core.listing import (
    DATE,
    INTEGER,
    PERCENT,
    Column,
    Filter,
    Listing,
    render_listing,
)
from cdtt.geo.access import units_for
from cdtt.geo.models import Level

LEVELS = [(Level.COMMUNE, "Xã"), (Level.VILLAGE, "Thôn")]


def _listing(*, personal: bool) -> Listing:
    return Listing(
        name="test.units",
        title="Đơn vị",
        columns=(
            Column("Mã", "code"),
            Column("Tên", "name", personal=personal),
            Column("Số con", lambda u: len(u.code), kind=INTEGER),
            Column("Tỷ lệ", lambda u: 0.5, kind=PERCENT),
            Column("Ngày", lambda u: dt.date(2025, 7, 1), kind=DATE),
            Column("Chỉ trên trang", "path", export=False),
        ),
        template="core/_listing_results.html",
        filename="don-vi-{unit}.xlsx",
        filters=(
            Filter("q", "Tìm"),
            Filter("level", "Cấp", choices=LEVELS, all_label="Mọi cấp"),
        ),
        ordering=("code",),
        page_size=2,
    )


def _request(user, query: str = "", **headers):
    request = RequestFactory().get("/units-test/?" + query, **headers)
    request.user = user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _render(user, listing, query="", **headers):
    request = _request(user, query, **headers)
    filters = listing.values(request)
    units = units_for(user)
    if filters["level"]:
        units = units.filter(level=filters["level"])
    if filters["q"]:
        units = units.filter(name_key__contains=filters["q"])
    return render_listing(request, listing, units, filters=filters, unit=user.scope_unit)


def _rows(response) -> list[tuple]:
    data = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


@pytest.fixture
def officer(tree, make_user):
    return make_user("commune_officer", tree.commune)


@pytest.fixture
def sibling(tree, make_user):
    return make_user("commune_officer", tree.sibling_commune)


def test_page_is_paginated_and_keeps_the_filters_in_links(tree, make_user):
    user = make_user("district_officer", tree.district)
    response = _render(user, _listing(personal=False), "level=village&page=2")
    body = response.content.decode()
    # District 400 holds three villages, two a page: the second page has the last one.
    assert "16001-001" in body and "16000-001" not in body
    assert "?level=village&page=1" in body
    assert "?level=village&amp;format=xlsx" in body
    assert "Chỉ trên trang" in body and "50,0%" in body
    assert "01/07/2025" in body


def test_bad_filter_value_falls_back_to_default(officer):
    listing = _listing(personal=False)
    assert listing.values(_request(officer, "level=nope&q=x"))["level"] == ""


def test_htmx_request_gets_the_results_fragment_alone(officer):
    listing = Listing(**{**_listing(personal=False).__dict__, "template": "base.html"})
    full = _render(officer, listing).content.decode()
    assert "<html" in full
    fragment = _render(officer, listing, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="listing-results"' in fragment
    assert "16000-001" in fragment


def test_export_has_every_filtered_row_with_typed_cells(tree, make_user):
    user = make_user("district_officer", tree.district)
    rows = _rows(_render(user, _listing(personal=False), "level=village&format=xlsx"))
    assert rows[0] == ("Mã", "Tên", "Số con", "Tỷ lệ", "Ngày")  # the page-only column left out
    assert [r[0] for r in rows[1:]] == ["16000-001", "16000-002", "16001-001"]  # every page
    assert rows[1][2] == 9 and rows[1][3] == 0.5 and rows[1][4] == dt.datetime(2025, 7, 1)


def test_export_of_personal_data_is_audited_with_list_filters_and_count(officer):
    response = _render(officer, _listing(personal=True), "level=village&q=yen&format=xlsx")
    assert len(_rows(response)) == 2
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == officer and entry.object_type == "test.units"
    assert entry.changes == {
        "list": "test.units",
        "filters": {"level": "village", "q": "yen"},
        "rows": 1,
    }
    assert entry.unit_path == officer.scope_unit.path


def test_export_without_personal_data_is_not_audited(officer):
    response = _render(officer, _listing(personal=False), "format=xlsx")
    assert [r[0] for r in _rows(response)[1:]] == ["16000", "16000-001", "16000-002"]
    assert not AuditEntry.objects.filter(action="export").exists()


def test_sibling_unit_sees_no_row_of_another_subtree(officer, sibling):
    listing = _listing(personal=True)
    body = _render(sibling, listing).content.decode()
    assert "16001" in body and "16000" not in body
    codes = [r[0] for r in _rows(_render(sibling, listing, "format=xlsx"))[1:]]
    assert codes and all(c.startswith("16001") for c in codes)


def test_export_limit_sends_back_to_the_page_with_a_message(officer):
    listing = Listing(**{**_listing(personal=True).__dict__, "export_limit": lambda: 1})
    response = _render(officer, listing, "level=village&format=xlsx")
    assert response.status_code == 302 and response["Location"] == "/units-test/?level=village"
    assert not AuditEntry.objects.filter(action="export").exists()


def test_empty_list_shows_the_declared_text(officer):
    listing = _listing(personal=False)
    body = _render(officer, listing, "q=khong-co").content.decode()
    assert str(listing.empty_filtered) in body and "Bỏ lọc" in body
    empty = Listing(**{**listing.__dict__, "empty": "Chưa có đơn vị nào."})
    request = _request(officer)
    body = render_listing(request, empty, units_for(officer).none()).content.decode()
    assert "Chưa có đơn vị nào." in body and "Bỏ lọc" not in body


def test_anonymous_is_redirected_from_a_list_and_its_export(client, tree):
    for url in ["/registry/households/", "/registry/households/?format=xlsx", "/jobs/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_anonymous_user_object_gets_nothing_from_the_selector(tree):
    assert not units_for(AnonymousUser()).exists()
