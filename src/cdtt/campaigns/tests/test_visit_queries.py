"""How many queries a visit and the worklist cost: a ceiling each, whatever the household."""

import uuid

import pytest

from cdtt.campaigns.models import Visit
from cdtt.skills.models import SkillAssessment

from .test_visits_api import payload

pytestmark = pytest.mark.django_db


def test_a_visit_with_assessments_and_a_campaign(field, api_as, django_assert_max_num_queries):
    api = api_as(field.member)
    with django_assert_max_num_queries(21):
        r = api.post("/visits", payload(field))
    assert r.status_code == 201, r.content
    assert SkillAssessment.objects.filter(visit_id=r.json()["id"]).count() == 5


def test_a_visit_without_assessments(field, api_as, django_assert_max_num_queries):
    api = api_as(field.member)
    with django_assert_max_num_queries(7):
        r = api.post(
            "/visits", payload(field, campaign=None, services=[], assessments=[], present=[])
        )
    assert r.status_code == 201, r.content


def test_a_campaign_visit_without_assessments(field, api_as, django_assert_max_num_queries):
    """The token, BEGIN, the household, the visit with its audit entry and (on PostgreSQL, in
    the same statement) the campaign's day row, COMMIT."""
    from django.db import connection

    from cdtt.campaigns.models import CampaignDay

    api = api_as(field.member)
    with django_assert_max_num_queries(5 if connection.vendor == "postgresql" else 7):
        r = api.post("/visits", payload(field, services=[], assessments=[], present=[]))
    assert r.status_code == 201, r.content
    day = CampaignDay.objects.get(campaign=field.campaign)
    assert (day.visits, day.guided, day.households, day.new_households) == (1, 1, 1, 1)


def test_a_resend(field, api_as, django_assert_max_num_queries):
    api = api_as(field.member)
    data = payload(field)
    assert api.post("/visits", data).status_code == 201
    with django_assert_max_num_queries(13):
        r = api.post("/visits", data)
    assert r.status_code == 200
    assert Visit.objects.count() == 1


def test_the_worklist(field, api_as, django_assert_max_num_queries):
    api = api_as(field.member)
    with django_assert_max_num_queries(8):
        r = api.get("/worklist", village=field.tree.village.code)
    assert r.status_code == 200
    assert r.json()["households"]


def test_the_worklist_document_is_the_worklist(field, api_as):
    from cdtt.campaigns.selectors import worklist

    api = api_as(field.member)
    assert api.post("/visits", payload(field)).status_code == 201
    r = api.get("/worklist", village=field.tree.village.code)
    assert r["Content-Type"] == "application/json"
    assert r.json() == {
        "village": {"code": field.tree.village.code, "name": field.tree.village.full_name},
        "households": worklist(field.tree.village),
    }


def test_a_resend_is_answered_as_stored_even_when_its_checks_fail_now(field, api_as):
    """A new visit is not looked up before its checks; a stored one still answers 200/409."""
    from cdtt.skills.models import Skill

    api = api_as(field.member)
    data = payload(field)
    assert api.post("/visits", data).status_code == 201
    Skill.objects.filter(code=data["assessments"][0]["skill"]).update(active=False)
    assert api.post("/visits", data).status_code == 200
    assert api.post("/visits", {**data, "note": "khác"}).status_code == 409
    assert api.post("/visits", {**data, "id": str(uuid.uuid4())}).status_code == 422
    assert Visit.objects.count() == 1
