"""Enterprise offers: publish, claim (a code; never twice, never expired, never beyond the
quantity), redeem, the figures per enterprise, the pages and the API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cdtt.core.errors import Conflict, NotFound, Refused
from cdtt.offers import selectors, services
from cdtt.offers.models import Claim, Offer
from cdtt.offers.tests.factories import Market

pytestmark = pytest.mark.django_db


@pytest.fixture
def m(tree, make_user):
    return Market(tree, make_user)


def test_an_enterprise_publishes_and_a_member_claims_a_code(m):
    offer = m.offer()
    claim = services.offer_claim(actor=m.member, offer=offer)
    assert claim.code.startswith("UD-") and len(claim.code) == 11
    offer.refresh_from_db()
    assert offer.claimed == 1
    assert claim.commune_id == m.tree.commune.pk


def test_only_an_enterprise_officer_publishes_its_own_offers(m, make_user):
    with pytest.raises(Refused):
        m.offer(actor=m.field.officer)
    with pytest.raises(Refused):
        m.offer(actor=m.rival)
    with pytest.raises(ValidationError):
        m.offer(quantity=0)
    with pytest.raises(ValidationError):
        m.offer(discount_percent=None)


def test_an_offer_claimed_twice_by_one_member_is_refused(m):
    offer = m.offer()
    services.offer_claim(actor=m.member, offer=offer)
    with pytest.raises(Conflict):
        services.offer_claim(actor=m.member, offer=offer)
    offer.refresh_from_db()
    assert offer.claimed == 1 and Claim.objects.count() == 1


def test_an_expired_offer_is_refused(m):
    today = timezone.localdate()
    offer = m.offer(valid_from=today - dt.timedelta(days=10), valid_to=today - dt.timedelta(days=1))
    with pytest.raises(Conflict) as exc:
        services.offer_claim(actor=m.member, offer=offer)
    assert "hết hạn" in exc.value.message
    assert not Claim.objects.exists()


def test_claims_beyond_the_quantity_are_refused(m):
    offer = m.offer(quantity=2)
    first, second, third = m.members(3)
    services.offer_claim(actor=first, offer=offer)
    services.offer_claim(actor=second, offer=offer)
    with pytest.raises(Conflict) as exc:
        services.offer_claim(actor=third, offer=offer)
    assert "hết số lượng" in exc.value.message
    offer.refresh_from_db()
    assert offer.claimed == 2 and Claim.objects.count() == 2


def test_someone_not_in_a_team_cannot_claim(m):
    offer = m.offer()
    with pytest.raises(Refused):
        services.offer_claim(actor=m.admin, offer=offer)


def test_the_enterprise_redeems_once(m):
    offer = m.offer()
    claim = services.offer_claim(actor=m.member, offer=offer)
    with pytest.raises(NotFound):
        services.claim_redeem(actor=m.rival, code=claim.code)
    services.claim_redeem(actor=m.seller, code=claim.code.lower())
    with pytest.raises(Conflict):
        services.claim_redeem(actor=m.seller, code=claim.code)


def test_figures_per_unit_and_per_enterprise(m):
    from cdtt.figures.catalogue import figures_of

    offer = m.offer()
    claim = services.offer_claim(actor=m.member, offer=offer)
    services.offer_claim(actor=m.sibling_member, offer=offer)
    services.claim_redeem(actor=m.seller, code=claim.code)
    codes = ["offers_claimed", "offers_redeemed"]
    assert figures_of(m.tree.commune, codes=codes) == {"offers_claimed": 1, "offers_redeemed": 1}
    assert figures_of(m.tree.district, codes=codes) == {"offers_claimed": 2, "offers_redeemed": 1}
    (row,) = selectors.by_enterprise(m.admin)
    assert (row["n_claimed"], row["n_redeemed"]) == (2, 1)


def test_offer_pages_three_personas(m, client, login):
    offer = m.offer()
    url = reverse("offers:detail", args=[offer.pk])
    assert login(m.seller).get(url).status_code == 200
    assert login(m.rival).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_member_claims_on_the_phone_page(m, login):
    offer = m.offer()
    client = login(m.member)
    page = client.get(reverse("offers:mine"))
    assert offer.title in page.content.decode()
    client.post(reverse("offers:claim", args=[offer.pk]))
    claim = Claim.objects.get()
    assert claim.code in client.get(reverse("offers:mine")).content.decode()


def test_the_api_lists_and_claims(m, client):
    from cdtt.campaigns.tests.factories import token_for

    offer = m.offer()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(m.member)}"}
    listed = client.get("/api/v1/offers", **auth).json()
    assert [i["id"] for i in listed["items"]] == [offer.pk]
    first = client.post(f"/api/v1/offers/{offer.pk}/claims", **auth)
    assert first.status_code == 201 and first.json()["code"].startswith("UD-")
    again = client.post(f"/api/v1/offers/{offer.pk}/claims", **auth)
    assert again.status_code == 409 and again.json()["detail"]
    assert Offer.objects.get().claimed == 1


def test_the_api_refuses_the_anonymous_and_hides_offers_from_non_members(m, client):
    from cdtt.campaigns.tests.factories import token_for

    offer = m.offer()
    assert client.get("/api/v1/offers").status_code == 401
    assert client.post(f"/api/v1/offers/{offer.pk}/claims").status_code == 401
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(m.admin)}"}
    assert client.get("/api/v1/offers", **auth).json() == {"count": 0, "items": []}
    assert client.post(f"/api/v1/offers/{offer.pk}/claims", **auth).status_code == 404
    assert not Claim.objects.exists()


def test_publish_on_its_page_and_redeem_by_code(m, login):
    client = login(m.seller)
    assert client.get(reverse("offers:new")).status_code == 200
    response = client.post(
        reverse("offers:new"),
        {
            "organization": m.viettel.pk,
            "title": "Sim 5G",
            "price": "99000",
            "valid_from": "01/01/2026",
            "valid_to": "31/12/2027",
            "quantity": "5",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(title="Sim 5G")
    claim = services.offer_claim(actor=m.member, offer=offer)
    client.post(reverse("offers:redeem"), {"code": claim.code})
    claim.refresh_from_db()
    assert claim.redeemed_at is not None
    assert login(m.field.officer).get(reverse("offers:new")).status_code == 403


def test_only_the_enterprise_or_the_department_withdraws_an_offer(m, login, client, make_user):
    """An agency's officer sees the province's offers but withdraws none (403, kept)."""
    offer = m.offer()
    agency = make_user("agency_officer", m.tree.province, username="so-gddt")
    url = reverse("offers:withdraw", args=[offer.pk])
    assert login(agency).get(reverse("offers:detail", args=[offer.pk])).status_code == 200
    assert login(agency).post(url).status_code == 403
    assert login(m.rival).post(url).status_code == 404  # another enterprise's: as if missing
    client.logout()
    assert client.post(url).status_code == 302  # anonymous: to the login page
    assert not Offer.objects.get(pk=offer.pk).withdrawn
    login(m.seller).post(url)
    assert Offer.objects.get(pk=offer.pk).withdrawn
