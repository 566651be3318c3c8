"""The campaigns' figures: visits and households visited, now and as of past dates."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from cdtt.campaigns.visits import visit_submit
from cdtt.figures.catalogue import children_figures, figures_of

pytestmark = pytest.mark.django_db
CODES = ["visits", "households_visited"]


def visit(field, code: str, days_ago: int, *, campaign: bool = True) -> None:
    when = timezone.now() - dt.timedelta(days=days_ago)
    payload = {
        "id": str(uuid.uuid4()),
        "household": {"commune_code": "16000", "code": code},
        "visited_at": when.isoformat(),
        "outcome": "guided",
    }
    if campaign:
        payload["campaign"] = field.campaign.pk
    visit_submit(actor=field.member, payload=payload)


@pytest.fixture
def visited(field):
    """HO-001 visited 3 days ago and today in the campaign; HO-002 yesterday outside it."""
    visit(field, "HO-001", 3)
    visit(field, "HO-001", 0)
    visit(field, "HO-002", 1, campaign=False)
    return field


def ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def test_visits_now_count_campaign_and_loose_visits(visited):
    assert figures_of(visited.tree.commune, codes=CODES) == {"visits": 3, "households_visited": 2}
    assert figures_of(visited.tree.province, codes=CODES) == {"visits": 3, "households_visited": 2}
    assert figures_of(visited.tree.sibling_commune, codes=CODES) == {
        "visits": 0,
        "households_visited": 0,
    }


@pytest.mark.parametrize(("days", "expected"), [(4, (0, 0)), (3, (1, 1)), (2, (1, 1)), (1, (2, 2))])
def test_visits_as_of_a_date_are_those_made_by_its_end(visited, days, expected):
    values = figures_of(visited.tree.commune, as_of=ago(days), codes=CODES)
    assert (values["visits"], values["households_visited"]) == expected


def test_villages_get_their_own_visits(visited):
    rows = {c.code: f for c, f in children_figures(visited.tree.commune, codes=CODES)}
    assert rows == {
        "16000-001": {"visits": 3, "households_visited": 2},
        "16000-002": {"visits": 0, "households_visited": 0},
    }
