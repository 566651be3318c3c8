"""A campaign's state follows its dates (draft, upcoming, running, ended), shown alike on the
list, the campaign's page, the API and the field app's choice; where the officer's decision and
the dates disagree, the page says why in plain words."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cdtt.campaigns.models import Campaign, CampaignState, CampaignStatus, campaign_state
from cdtt.campaigns.selectors import campaigns_in_state
from cdtt.campaigns.tests.test_visits_api import payload

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 10, 5)


@pytest.mark.parametrize(
    "status,starts,ends,state",
    [
        (CampaignStatus.DRAFT, -5, 5, CampaignState.DRAFT),
        (CampaignStatus.ACTIVE, 1, 10, CampaignState.UPCOMING),
        (CampaignStatus.ACTIVE, 0, 0, CampaignState.RUNNING),
        (CampaignStatus.ACTIVE, -10, -1, CampaignState.ENDED),
        (CampaignStatus.CLOSED, -5, 5, CampaignState.ENDED),
    ],
)
def test_the_one_rule(status, starts, ends, state):
    day = dt.timedelta(days=1)
    assert campaign_state(status, TODAY + starts * day, TODAY + ends * day, TODAY) == state


def _dated(campaign, starts: int, ends: int, status=CampaignStatus.ACTIVE):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(
        starts_on=today + dt.timedelta(days=starts),
        ends_on=today + dt.timedelta(days=ends),
        status=status,
    )
    campaign.refresh_from_db()
    return campaign


def _shown(client, campaign) -> tuple[str, str]:
    """The state on the list and on the campaign's page."""
    listing = client.get(reverse("campaigns:list")).content.decode()
    row = listing[listing.index(f'href="{reverse("campaigns:detail", args=[campaign.pk])}"') :]
    row = row[: row.index("</tr>")]
    page = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    return row, page


def test_a_campaign_past_its_end_reads_ended_everywhere(field, login, api_as):
    campaign = _dated(field.campaign, -10, -1)
    row, page = _shown(login(field.officer), campaign)
    assert "Đã kết thúc" in row and "Đang triển khai" not in row
    assert "Đã kết thúc" in page and "Đang triển khai</span>" not in page
    api = api_as(field.member)
    (item,) = [c for c in api.get("/campaigns").json()["items"] if c["id"] == campaign.pk]
    assert (item["state"], item["state_label"]) == ("ended", "Đã kết thúc")
    me = api.get("/me").json()
    assert [c["state"] for c in me["campaigns"] if c["id"] == campaign.pk] == ["ended"]
    # The field app cannot log against it, as the state says.
    assert api.post("/visits", payload(field)).status_code == 422


def test_a_running_and_an_upcoming_campaign(field, login, api_as):
    client = login(field.officer)
    row, page = _shown(client, field.campaign)
    assert "Đang triển khai" in row and "Đang triển khai" in page
    assert api_as(field.member).get("/campaigns").json()["items"][0]["state"] == "running"
    campaign = _dated(field.campaign, 3, 12)
    row, page = _shown(client, campaign)
    assert "Sắp diễn ra" in row and "Sắp diễn ra" in page


def test_the_page_says_why_the_decision_and_the_dates_disagree(field, login, api_as):
    client = login(field.officer)
    campaign = _dated(field.campaign, -2, 5, CampaignStatus.DRAFT)
    row, page = _shown(client, campaign)
    assert "Đang chuẩn bị" in row
    assert "các tổ chưa thể ghi lượt đến hộ" in page
    campaign = _dated(field.campaign, -2, 5, CampaignStatus.CLOSED)
    row, page = _shown(client, campaign)
    assert "Đã kết thúc" in row and "đã được đóng trước ngày kết thúc" in page
    # Closed early: no more visits against it, as the page says.
    assert api_as(field.member).post("/visits", payload(field)).status_code == 422


def test_the_list_filters_by_state(field, login):
    ended = Campaign.objects.create(
        name="Chiến dịch năm trước", starts_on=dt.date(2023, 10, 1), ends_on=dt.date(2023, 10, 10)
    )
    ended.scope_units.set([field.tree.province])
    every = Campaign.objects.all()
    assert list(campaigns_in_state(every, "ended")) == [ended]
    assert list(campaigns_in_state(every, "running")) == [field.campaign]
    client = login(field.officer)
    html = client.get(reverse("campaigns:list"), {"status": "ended"}).content.decode()
    link = f'href="{reverse("campaigns:detail", args=[field.campaign.pk])}"'
    assert "Chiến dịch năm trước" in html and link not in html
    html = client.get(reverse("campaigns:list"), {"status": "running"}).content.decode()
    assert "Chiến dịch năm trước" not in html and link in html
