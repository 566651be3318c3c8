"""Numbers on the pages in Vietnamese style (decimal comma, thousands dot), whatever the page:
a page that shows "58.3%" or "12,669" fails here."""

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from cdtt.campaigns.tests.factories import Field
from cdtt.campaigns.visits import visit_submit
from cdtt.registry.services import household_create

pytestmark = pytest.mark.django_db

# A decimal point in a percentage or a figure ("58.3%", "1.5 ") and a thousands comma ("12,669").
ENGLISH = re.compile(r"(?<![\d.,/])\d+\.\d+\s?%|(?<![\d.,/])\d{1,3},\d{3}(?![\d,])")
TAG = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def _text(response) -> str:
    assert response.status_code == 200
    return TAG.sub(" ", response.content.decode())


def test_pages_write_numbers_the_vietnamese_way(tree, make_user, login):
    f = Field(tree, make_user)
    # 1 of 3 households covered: 33,3%; many households: a thousands separator.
    for i in range(1000):
        household_create(actor=None, village=tree.village2, code=f"HX-{i:04d}")
    visit_submit(
        actor=f.member,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": "16000", "code": "HO-001"},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
            "campaign": f.campaign.pk,
        },
    )
    admin = make_user("province_admin", tree.province)
    client = login(admin)
    pages = [
        reverse("site:home"),
        reverse("registry:dashboard"),
        reverse("registry:households"),
        reverse("teams:figures"),
        reverse("campaigns:detail", args=[f.campaign.pk]),
        reverse("campaigns:daily", args=[f.campaign.pk]) + "?unit=16000",
    ]
    for url in pages:
        text = _text(client.get(url))
        assert not ENGLISH.search(text), (url, ENGLISH.search(text).group(0))
    home = _text(client.get(reverse("site:home")))
    assert re.search(r"\d+,\d%", home), "the home page shows its rate with a comma"


def test_english_pages_keep_vietnamese_numbers(tree, make_user, login):
    client = login(make_user("province_admin", tree.province))
    household_create(actor=None, village=tree.village, code="HO-1")
    client.cookies["django_language"] = "en"
    text = _text(client.get(reverse("registry:dashboard")))
    assert "0,0%" in text and not ENGLISH.search(text)
