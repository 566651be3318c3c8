"""A member opens the enterprise offers in the field app and claims one: the code shows on the
phone, and a second claim is no longer offered."""

import pytest

from cdtt.testing import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def market(make_user):
    from cdtt.offers.tests.factories import Market
    from cdtt.testing import Tree

    return Market(Tree(), make_user)


def test_a_member_claims_an_offer_in_the_field_app(market, live_server, phone_page):
    from cdtt.offers.models import Claim

    offer = market.offer()
    page = phone_page
    page.goto(f"{live_server.url}/campaigns/field/")
    page.fill("#login-form input[name=username]", "member")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#list-view:not([hidden])")
    page.click("#offers-open")
    page.wait_for_selector(f"#field-offers li:has-text('{offer.title}') button")
    page.click(f"#field-offers li:has-text('{offer.title}') button")
    page.wait_for_selector("#my-offer-codes li")
    code = Claim.objects.get().code
    assert code in page.inner_text("#offers-status")
    assert code in page.inner_text("#my-offer-codes")
    assert not page.query_selector(f"#field-offers li:has-text('{offer.title}') button")
