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


def test_a_campaign_visit_with_assessments_on_postgresql(field, api_as, django_assert_num_queries):
    """The token, BEGIN, the household, the visit with its audit entry, its day row and the
    household's counters before; the assessments with the residents' levels and the household
    read after them; the flags and the village's counters; COMMIT. What they wrote is exact."""
    from django.db import connection

    from cdtt.campaigns.models import CampaignDay
    from cdtt.registry.models import Household, Resident, VillageCoverage

    if connection.vendor != "postgresql":
        pytest.skip("the writes sent together are PostgreSQL's")
    api = api_as(field.member)
    with django_assert_num_queries(7):
        r = api.post("/visits", payload(field))
    assert r.status_code == 201, r.content
    assert r.json()["household"]["covered"] is True
    assert Resident.objects.get(pk=field.head.pk).proficient
    assert Household.objects.get(pk=field.home.pk).covered
    coverage = VillageCoverage.objects.get(village=field.tree.village)
    assert (coverage.covered, coverage.proficient) == (1, 1)
    day = CampaignDay.objects.get(campaign=field.campaign)
    assert (day.visits, day.households, day.assessments) == (1, 1, 5)


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
    """Known by the household's statement: nothing is written and nothing rolled back (a
    rollback makes psycopg drop the connection's prepared statements)."""
    from unittest import mock

    from django.db import connection

    api = api_as(field.member)
    data = payload(field)
    assert api.post("/visits", data).status_code == 201
    with (
        mock.patch.object(connection, "_rollback", wraps=connection._rollback) as rollback,
        mock.patch.object(connection, "_savepoint_rollback") as to_savepoint,
        django_assert_max_num_queries(7),
    ):
        r = api.post("/visits", data)
    assert r.status_code == 200
    assert r.json()["id"] == data["id"]
    assert not rollback.called and not to_savepoint.called
    assert Visit.objects.count() == 1
    with mock.patch.object(connection, "_rollback", wraps=connection._rollback) as rollback:
        assert api.post("/visits", {**data, "note": "khác"}).status_code == 409
    assert not rollback.called


def test_the_worklist(field, api_as, django_assert_max_num_queries):
    """The token; the village with the member's right to it and the active skills; on
    PostgreSQL the document in one statement (elsewhere: households, residents, visits)."""
    from django.db import connection

    api = api_as(field.member)
    with django_assert_max_num_queries(3 if connection.vendor == "postgresql" else 5):
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
    """A stored visit is answered as stored (200, or 409 for another content) before the
    checks, which would refuse it now."""
    from cdtt.skills.models import Skill

    api = api_as(field.member)
    data = payload(field)
    assert api.post("/visits", data).status_code == 201
    Skill.objects.filter(code=data["assessments"][0]["skill"]).update(active=False)
    assert api.post("/visits", data).status_code == 200
    assert api.post("/visits", {**data, "note": "khác"}).status_code == 409
    assert api.post("/visits", {**data, "id": str(uuid.uuid4())}).status_code == 422
    assert Visit.objects.count() == 1


def test_the_worklist_document_with_awkward_values(field, api_as):
    """Names that JSON must escape, a household with nobody, residents lacking different
    skills, visits at whole and fractional seconds: the document still is the worklist, and
    on PostgreSQL the server writes the very text Python writes."""
    import datetime as dt
    import json

    from django.db import connection

    from cdtt.campaigns.selectors import worklist, worklist_json
    from cdtt.registry.models import Resident
    from cdtt.registry.services import household_create

    api = api_as(field.member)
    village = field.tree.village
    assert api.post("/visits", payload(field)).status_code == 201
    assert (
        api.post(
            "/visits",
            payload(
                field,
                household={"commune_code": "16000", "code": "HO-002"},
                campaign=None,
                services=[],
                assessments=[],
                present=[],
            ),
        ).status_code
        == 201
    )
    household_create(actor=None, village=village, code="HO-010", address='Ngõ "3" \\ tab\tend')
    Resident.objects.filter(pk=field.child.pk).update(
        full_name='Lê Thị "Con" \\ 𠀀 \u0001', relation="", level_payment=2, level_safety=1
    )
    Resident.objects.filter(pk=field.other.pk).update(level_shopping=2, level_payment=2)
    utc = dt.UTC
    visits = list(Visit.objects.order_by("visited_at"))
    Visit.objects.filter(pk=visits[0].pk).update(
        visited_at=dt.datetime(2026, 3, 1, 7, 5, 9, tzinfo=utc)
    )
    Visit.objects.filter(pk=visits[1].pk).update(
        visited_at=dt.datetime(2026, 3, 2, 23, 59, 1, 120000, tzinfo=utc)
    )
    document = worklist_json(village)
    expected = {
        "village": {"code": village.code, "name": village.full_name},
        "households": worklist(village),
    }
    assert json.loads(document) == expected
    assert [h["code"] for h in expected["households"]] == ["HO-002", "HO-010", "HO-001"]
    assert json.loads(worklist_json(village, limit=2))["households"] == expected["households"][:2]
    if connection.vendor == "postgresql":
        from cdtt.campaigns.selectors import worklist_items_json

        python = b'"households":[' + worklist_items_json(village) + b"]}"
        assert document.endswith(python)


@pytest.mark.parametrize("inactive", [(), ("payment",), ("shopping", "safety"), "all"])
def test_the_worklist_document_whatever_the_skills_and_levels(field, inactive):
    """Residents whose levels make different combinations, one with a level no combination
    holds (3: written from its columns), with all, some or none of the skills active: the
    document is the worklist and, on PostgreSQL, the very text Python writes."""
    import json

    from django.db import connection

    from cdtt.campaigns.selectors import worklist, worklist_items_json, worklist_json
    from cdtt.registry.models import Resident
    from cdtt.skills.models import Skill

    village = field.tree.village
    Resident.objects.filter(pk=field.head.pk).update(level_payment=3, level_safety=2)
    Resident.objects.filter(pk=field.child.pk).update(level_shopping=2, level_local_platform=1)
    Resident.objects.filter(pk=field.other.pk).update(
        level_public_services=2, level_shopping=2, level_payment=2, level_safety=2
    )
    skills = Skill.objects.all() if inactive == "all" else Skill.objects.filter(code__in=inactive)
    skills.update(active=False)
    document = worklist_json(village)
    households = worklist(village)
    assert json.loads(document) == {
        "village": {"code": village.code, "name": village.full_name},
        "households": households,
    }
    head = next(r for h in households for r in h["residents"] if r["id"] == field.head.pk)
    if "payment" in head["levels"]:
        assert head["levels"]["payment"] == 3 and "payment" not in head["lacks"]
    if connection.vendor == "postgresql":
        assert document.endswith(b'"households":[' + worklist_items_json(village) + b"]}")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_generic_plans_last_for_the_visit_s_transaction_only(field, api_as):
    """On PostgreSQL the household's statement makes the visit's later statements use plans
    made for any values (the assessments' statement would be planned at every run otherwise);
    the connection's next requests (a worklist, a search) plan as usual."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("plan_cache_mode is PostgreSQL's")
    seen = []

    def mode_after_household(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if 'INSERT INTO "skills_skillassessment"' in sql:
            with connection.cursor() as cursor:
                cursor.execute("SHOW plan_cache_mode")
                seen.append(cursor.fetchone()[0])
        return result

    api = api_as(field.member)
    with connection.execute_wrapper(mode_after_household):
        r = api.post("/visits", payload(field))
    assert r.status_code == 201, r.content
    assert seen == ["force_generic_plan"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "auto"
