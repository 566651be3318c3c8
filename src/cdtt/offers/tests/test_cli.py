"""The command line of offers: the report per enterprise, redeeming a code."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cdtt.offers import services
from cdtt.offers.tests.factories import Market

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_report_and_redeem(tree, make_user):
    m = Market(tree, make_user)
    claim = services.offer_claim(actor=m.member, offer=m.offer())
    with pytest.raises(CommandError):
        run("offers", "redeem", claim.code, "--as", m.rival.username)
    assert "redeemed" in run("offers", "redeem", claim.code, "--as", m.seller.username)
    with pytest.raises(CommandError):
        run("offers", "redeem", claim.code, "--as", m.seller.username)
    (row,) = json.loads(run("offers", "report", "--json"))["items"]
    assert (row["enterprise"], row["claimed"], row["redeemed"]) == ("Viettel Thanh Hóa", 1, 1)
