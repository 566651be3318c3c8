"""The campaigns' daily counters equal a recount from the visits (`cdtt rollups --check`), and a
counter that drifted is reported and repaired (`--rebuild`)."""

import datetime as dt
import io
import random
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cdtt.campaigns.models import CampaignDay
from cdtt.campaigns.rollups import campaign_days_check, campaign_days_rebuild

from .factories import all_skills

pytestmark = pytest.mark.django_db


def visit(field, household, at, outcome="guided", campaign=True, residents=()):
    return {
        "id": str(uuid.uuid4()),
        "household": {"commune_code": field.tree.commune.code, "code": household.code},
        "visited_at": at.isoformat(),
        "outcome": outcome,
        "campaign": field.campaign.pk if campaign else None,
        "services": [],
        "members": ["Nguyễn Văn A"],
        "assessments": [a for r in residents for a in all_skills(r, level=1)][:3]
        if outcome == "guided"
        else [],
    }


def test_visits_of_several_days_synced_in_any_order_recount_alike(field, api_as):
    api = api_as(field.member)
    now = timezone.now()
    days = [now, now - dt.timedelta(days=1), now - dt.timedelta(days=2)]
    sent = [
        visit(field, field.home, days[0], residents=[field.head]),
        visit(field, field.home, days[0] + dt.timedelta(minutes=5), outcome="come_back_later"),
        visit(field, field.home2, days[0], residents=[field.other]),
        visit(field, field.home, days[1], outcome="nobody_home"),  # synced late
        visit(field, field.home2, days[2], outcome="refused"),  # later still
        visit(field, field.home, days[0], campaign=False),  # outside the campaign
    ]
    for data in sent:
        assert api.post("/visits", data).status_code == 201
    assert CampaignDay.objects.count() == 3
    assert campaign_days_check() == []
    out = io.StringIO()
    call_command("rollups", "--check", stdout=out)
    assert "exact" in out.getvalue()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_stream_of_visits_recounts_alike(field, api_as, seed):
    rng = random.Random(seed)
    api = api_as(field.member)
    now = timezone.now()
    households = [(field.home, [field.head, field.child]), (field.home2, [field.other])]
    for _ in range(25):
        household, residents = rng.choice(households)
        at = now - dt.timedelta(days=rng.randint(0, 3), minutes=rng.randint(0, 600))
        outcome = rng.choice(["guided", "guided", "come_back_later", "nobody_home", "refused"])
        data = visit(field, household, at, outcome, rng.random() > 0.1, residents)
        assert api.post("/visits", data).status_code == 201
    assert campaign_days_check() == []


def test_a_drifted_counter_is_reported_and_rebuilt(field, api_as):
    api = api_as(field.member)
    api.post("/visits", visit(field, field.home, timezone.now(), residents=[field.head]))
    row = CampaignDay.objects.get()
    CampaignDay.objects.filter(pk=row.pk).update(households=5, assessments=0)
    diffs = campaign_days_check()
    assert len(diffs) == 1
    assert "households 5 ≠ 1" in str(diffs[0]) and "assessments 0 ≠ 3" in str(diffs[0])
    with pytest.raises(CommandError, match="1 difference"):
        call_command("rollups", "--check", stdout=io.StringIO())
    # A row that should not be there at all is a difference too.
    CampaignDay.objects.create(
        campaign=field.campaign,
        village=field.tree.sibling_village,
        commune=field.tree.sibling_commune,
        district=field.tree.district,
        province=field.tree.province,
        day=timezone.localdate(),
        visits=2,
    )
    assert len(campaign_days_check()) == 2
    out = io.StringIO()
    call_command("rollups", "--rebuild", stdout=out)
    assert "campaign days: 1 rows" in out.getvalue()
    assert campaign_days_check() == []
    rebuilt = CampaignDay.objects.get()
    assert (rebuilt.visits, rebuilt.households, rebuilt.new_households, rebuilt.assessments) == (
        1,
        1,
        1,
        3,
    )
    assert campaign_days_rebuild() == 1
