"""The letterhead pages and service: province admins create and edit the letterheads of their
scope; officers see those of their subtree read-only; a user of a sibling unit sees none of
another unit's, an outsider none at all, anonymous users get the login page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cdtt.audit.models import AuditEntry
from cdtt.documents.models import Letterhead
from cdtt.documents.selectors import access_letterhead, letterheads_for
from cdtt.documents.services import letterhead_create, letterhead_update
from cdtt.geo.models import Level
from cdtt.testing import make_unit

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Văn phòng UBND tỉnh",
    "governing_body": "UBND tỉnh Thanh Hóa",
    "issuing_body": "Văn phòng UBND tỉnh Thanh Hóa",
    "symbol": "vpubnd",
    "place": "Thanh Hóa",
    "signer_authority": "KT. CHÁNH VĂN PHÒNG",
    "signer_title": "Phó Chánh Văn phòng",
    "signer_name": "Lê Thị Hoa",
    "recipients": "- Bộ Khoa học và Công nghệ (để b/c);\r\n\r\n  Thường trực Tỉnh ủy (để b/c);\r\n",
}


@pytest.fixture
def admin(tree, make_user):
    return make_user("province_admin", tree.province)


@pytest.fixture
def district_head(tree, admin):
    """A letterhead of a district's People's Committee (unit: the district)."""
    return letterhead_create(
        actor=admin,
        unit=tree.district,
        **{**FORM, "name": "UBND huyện Quảng Xương", "symbol": "UBND"},
    )


def test_a_province_admin_creates_a_letterhead_from_the_departments(tree, admin, login):
    url = reverse("documents:letterhead_new")
    page = login(admin).get(url).content.decode()
    # The form starts from the Department's letterhead under the province's committee.
    assert 'value="Sở Khoa học và Công nghệ"' in page and 'value="UBND Tỉnh Thanh Hóa"' in page
    r = login(admin).post(url, FORM)
    assert r.status_code == 302, r.content.decode()[:2000]
    head = Letterhead.objects.get(name="Văn phòng UBND tỉnh")
    assert head.unit == tree.province and head.symbol == "VPUBND"  # capitals, as written
    # One recipient a line: dashes, blank lines and spaces dropped.
    assert head.recipients == "Bộ Khoa học và Công nghệ (để b/c);\nThường trực Tỉnh ủy (để b/c);"
    entry = AuditEntry.objects.get(action="letterhead.create")
    assert entry.changes["symbol"] == "VPUBND"
    listing = login(admin).get(reverse("documents:letterheads")).content.decode()
    assert "Văn phòng UBND tỉnh Thanh Hóa" in listing
    assert reverse("documents:letterhead_edit", args=[head.pk]) in listing


def test_a_province_admin_edits_a_letterhead(admin, district_head, login):
    url = reverse("documents:letterhead_edit", args=[district_head.pk])
    assert 'value="UBND"' in login(admin).get(url).content.decode()
    r = login(admin).post(url, {**FORM, "name": "UBND huyện", "signer_authority": ""})
    assert r.status_code == 302
    district_head.refresh_from_db()
    assert district_head.name == "UBND huyện" and district_head.signer_authority == ""
    entry = AuditEntry.objects.filter(action="letterhead.update").latest("id")
    assert entry.changes["name"] == "UBND huyện" and "place" not in entry.changes


def test_officers_of_the_subtree_read_only(tree, make_user, district_head, login):
    officer = make_user("district_officer", tree.district)
    listing = login(officer).get(reverse("documents:letterheads"))
    assert listing.status_code == 200
    assert "UBND huyện Quảng Xương" in listing.content.decode()
    assert reverse("documents:letterhead_edit", args=[district_head.pk]) not in (
        listing.content.decode()
    )
    url = reverse("documents:letterhead_edit", args=[district_head.pk])
    assert login(officer).get(url).status_code == 403
    assert login(officer).post(url, FORM).status_code == 403
    assert login(officer).get(reverse("documents:letterhead_new")).status_code == 403
    assert access_letterhead(officer, district_head.pk) == district_head


def test_a_sibling_unit_and_anonymous_get_nothing(tree, make_user, district_head, login, client):
    before = Letterhead.objects.get(pk=district_head.pk).name
    url = reverse("documents:letterhead_edit", args=[district_head.pk])
    # An officer of the other district sees none of this district's letterheads.
    sibling = make_user("district_officer", tree.other_district)
    listing = login(sibling).get(reverse("documents:letterheads")).content.decode()
    assert "UBND huyện Quảng Xương" not in listing
    assert not letterheads_for(sibling).exists()
    # The province admin of a neighbouring province: not theirs, answered as missing.
    neighbour = make_unit("40", "Nghệ An", Level.PROVINCE)
    other_admin = make_user("province_admin", neighbour)
    assert login(other_admin).get(url).status_code == 404
    assert login(other_admin).post(url, {**FORM, "name": "X"}).status_code == 404
    with pytest.raises(PermissionDenied):
        letterhead_update(actor=other_admin, letterhead=district_head, name="X")
    with pytest.raises(PermissionDenied):
        letterhead_create(actor=other_admin, unit=tree.province, **FORM)
    client.logout()
    for target in (url, reverse("documents:letterheads"), reverse("documents:letterhead_new")):
        r = client.get(target)
        assert r.status_code == 302 and "/login" in r["Location"]
    r = client.post(url, {**FORM, "name": "X"})
    assert r.status_code == 302 and "/login" in r["Location"]
    assert Letterhead.objects.get(pk=district_head.pk).name == before
    assert not AuditEntry.objects.filter(action="letterhead.update").exists()


@pytest.mark.parametrize(
    "bad, field_name",
    [
        ({"issuing_body": "S" * 121}, "issuing_body"),
        ({"issuing_body": ""}, "issuing_body"),
        ({"symbol": "BC/SKHCN"}, "symbol"),
        ({"symbol": "S KHCN"}, "symbol"),
        ({"symbol": "S" * 21}, "symbol"),
        ({"place": ""}, "place"),
        ({"signer_authority": "K" * 81}, "signer_authority"),
        ({"signer_title": ""}, "signer_title"),
        ({"signer_name": "Lê\x07Văn"}, "signer_name"),
        ({"recipients": "\n".join(f"Nơi {i};" for i in range(21))}, "recipients"),
        ({"recipients": "N" * 201}, "recipients"),
        ({"recipients": "N" * 2001}, "recipients"),
    ],
)
def test_a_bad_letterhead_is_a_form_error_and_nothing_is_saved(
    admin, district_head, login, bad, field_name
):
    url = reverse("documents:letterhead_edit", args=[district_head.pk])
    r = login(admin).post(url, {**FORM, **bad})
    assert r.status_code == 200
    assert field_name in r.context["form"].errors
    assert 'class="errorlist' in r.content.decode()
    assert Letterhead.objects.get(pk=district_head.pk).symbol == "UBND"


def test_the_service_refuses_a_bad_letterhead(tree, admin, district_head):
    with pytest.raises(ValidationError) as exc:
        letterhead_update(actor=admin, letterhead=district_head, symbol="a b")
    assert "symbol" in exc.value.message_dict
    assert Letterhead.objects.get(pk=district_head.pk).symbol == "UBND"
    with pytest.raises(ValidationError):
        letterhead_create(actor=admin, unit=tree.province, **{**FORM, "place": ""})
    with pytest.raises(TypeError):
        letterhead_update(actor=admin, letterhead=district_head, unit=tree.province)
