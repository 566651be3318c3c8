"""POST /api/v1/visits: idempotent by the client's UUID, all or nothing, scoped to the member's
villages; GET /api/v1/visits/{id}, /worklist, /campaigns and /me."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from cdtt.audit.models import AuditEntry
from cdtt.campaigns.models import CampaignDay, Visit
from cdtt.registry.models import Household, VillageCoverage
from cdtt.skills.models import SkillAssessment

from .factories import all_skills

pytestmark = pytest.mark.django_db


def payload(field, **over):
    data = {
        "id": str(uuid.uuid4()),
        "household": {"commune_code": field.tree.commune.code, "code": field.home.code},
        "visited_at": timezone.now().isoformat(),
        "outcome": "guided",
        "campaign": field.campaign.pk,
        "services": ["vneid"],
        "members": ["Nguyễn Văn A"],
        "present": [field.head.pk],
        "assessments": all_skills(field.head),
    }
    data.update(over)
    return data


def nothing_stored():
    return (
        Visit.objects.count(),
        SkillAssessment.objects.count(),
        CampaignDay.objects.count(),
    ) == (0, 0, 0)


def test_it_records_a_visit_and_updates_coverage(field, api_as):
    api = api_as(field.member)
    r = api.post("/visits", payload(field))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["household"] == {"commune_code": "16000", "code": "HO-001", "covered": True}
    assert len(body["assessments"]) == 5
    visit = Visit.objects.get()
    assert visit.team == field.team and visit.recorded_by == field.member
    assert visit.village == field.tree.village and visit.province == field.tree.province
    assert Household.objects.get(pk=field.home.pk).covered
    assert VillageCoverage.objects.get(village=field.tree.village).covered == 1
    day = CampaignDay.objects.get()
    assert (day.visits, day.guided, day.households, day.new_households, day.assessments) == (
        1,
        1,
        1,
        1,
        5,
    )
    assert AuditEntry.objects.filter(action="visit.create").count() == 1
    assert api.get(f"/visits/{visit.pk}").json()["id"] == str(visit.pk)


def test_replay_returns_the_same_visit(field, api_as):
    api = api_as(field.member)
    data = payload(field)
    first = api.post("/visits", data)
    # Same content, another key order and time zone: still the same visit.
    again = dict(reversed(list(data.items())))
    again["visited_at"] = timezone.localtime(
        dt.datetime.fromisoformat(data["visited_at"])
    ).isoformat()
    second = api.post("/visits", again)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    assert Visit.objects.count() == 1 and SkillAssessment.objects.count() == 5
    assert CampaignDay.objects.get().visits == 1


def test_two_phones_sending_the_same_queue_store_it_once(field, api_as, make_user):
    data = payload(field)
    assert api_as(field.member).post("/visits", data).status_code == 201
    from cdtt.teams.models import Membership, Person

    colleague = make_user("team_leader", field.tree.commune, username="leader")
    person = Person.objects.create(full_name="Tổ trưởng", name_key="to truong", user=colleague)
    Membership.objects.create(
        team=field.team, person=person, joined_on=dt.date(2024, 1, 1), role="leader"
    )
    assert api_as(colleague).post("/visits", data).status_code == 200
    assert Visit.objects.count() == 1


def test_conflicting_resend_is_refused_with_409(field, api_as):
    api = api_as(field.member)
    data = payload(field)
    api.post("/visits", data)
    r = api.post("/visits", {**data, "outcome": "come_back_later", "assessments": []})
    assert r.status_code == 409
    assert "nội dung khác" in r.json()["detail"]
    assert Visit.objects.get().outcome == "guided"


def test_a_member_cannot_log_a_visit_outside_their_villages(field, api_as):
    api = api_as(field.member)
    away = payload(
        field,
        household={"commune_code": "16001", "code": "HO-900"},
        assessments=all_skills(field.away_resident),
        present=[],
    )
    r = api.post("/visits", away)
    assert r.status_code == 404
    unknown = api.post(
        "/visits", payload(field, household={"commune_code": "16000", "code": "NOPE"})
    )
    assert unknown.status_code == 404 and unknown.json() == r.json()
    assert nothing_stored()


def test_visits_outside_any_campaign_are_recorded(field, api_as):
    r = api_as(field.member).post("/visits", payload(field, campaign=None))
    assert r.status_code == 201
    assert Visit.objects.get().campaign is None and CampaignDay.objects.count() == 0


def test_a_visit_outside_the_campaign_dates_is_refused_with_the_reason(field, api_as):
    before = timezone.now() - dt.timedelta(days=20)
    r = api_as(field.member).post("/visits", payload(field, visited_at=before.isoformat()))
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "nằm ngoài thời gian của chiến dịch" in detail
    assert field.campaign.starts_on.strftime("%d/%m/%Y") in detail
    assert nothing_stored()


@pytest.mark.parametrize(
    "change, status, words",
    [
        ({"assessments": [{"resident_id": 0, "skill": "cooking", "level": 2}]}, 422, "Kỹ năng"),
        (
            {"assessments": [{"resident_id": 0, "skill": "payment", "level": 3}]},
            422,
            "Mức đánh giá",
        ),
        (
            {"assessments": [{"resident_id": 0, "skill": "payment", "level": -1}]},
            422,
            "Mức đánh giá",
        ),
        (
            {"assessments": [{"resident_id": 0, "skill": "payment", "level": "2"}]},
            422,
            "Mức đánh giá",
        ),
        ({"visited_at": "2999-01-01T08:00:00+07:00"}, 422, "tương lai"),
        ({"visited_at": "2020-01-01T08:00:00+07:00"}, 422, "quá một năm"),
        ({"visited_at": "hôm qua"}, 422, "ISO 8601"),
        ({"outcome": "maybe"}, 422, "Kết quả"),
        ({"services": ["teleport"]}, 422, "Dịch vụ"),
        ({"id": "not-a-uuid"}, 422, "UUID"),
        ({"campaign": 999999}, 422, "chiến dịch"),
        ({"household": None}, 422, "household"),
        ({"outcome": "nobody_home"}, 422, "Không có ai ở nhà"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(field, api_as, change, status, words):
    data = payload(field)
    if "assessments" in change:
        for a in change["assessments"]:
            a["resident_id"] = field.head.pk
    data.update(change)
    r = api_as(field.member).post("/visits", data)
    assert r.status_code == status, r.content
    assert words in r.json()["detail"]
    assert nothing_stored()
    assert not Household.objects.get(pk=field.home.pk).covered


def test_a_resident_of_another_household_cannot_be_assessed(field, api_as):
    r = api_as(field.member).post("/visits", payload(field, assessments=all_skills(field.other)))
    assert r.status_code == 422 and "không thuộc hộ" in r.json()["detail"]
    assert nothing_stored()


def test_malformed_json_is_refused(field, api_as):
    r = api_as(field.member).post("/visits", raw='{"id": "x", "household": ')
    assert r.status_code == 400 and "JSON" in r.json()["detail"]
    r = api_as(field.member).post("/visits", raw="[1, 2]")
    assert r.status_code == 400
    assert nothing_stored()


def test_an_oversized_payload_is_refused(field, api_as):
    r = api_as(field.member).post("/visits", payload(field, note="x" * 40_000))
    assert r.status_code == 413 and "quá lớn" in r.json()["detail"]
    assert nothing_stored()


def test_an_expired_token_is_refused(field, api_as):
    r = api_as(field.member, days=-1).post("/visits", payload(field))
    assert r.status_code == 401 and "hết hạn" in r.json()["detail"]
    assert nothing_stored()


def test_anonymous_is_refused(field, api_as):
    api = api_as(None)
    assert api.post("/visits", payload(field)).status_code == 401
    assert api.get("/worklist", village=field.tree.village.code).status_code == 401
    assert api.get("/campaigns").status_code == 401
    assert nothing_stored()


def test_a_failure_in_the_middle_writes_nothing(field, api_as, monkeypatch):
    from cdtt.campaigns import visits

    written = visits._assessments_write

    def boom(*args, **kwargs):
        # After the visit, its audit entry, the assessments, the coverage counters and (on
        # PostgreSQL, written with the visit) the campaign's day row.
        written(*args, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(visits, "_assessments_write", boom)
    with pytest.raises(RuntimeError):
        api_as(field.member).post("/visits", payload(field))
    assert nothing_stored()
    assert not Household.objects.get(pk=field.home.pk).covered
    assert VillageCoverage.objects.get(village=field.tree.village).covered == 0


def test_households_reached_counts_each_household_once(field, api_as):
    api = api_as(field.member)
    now = timezone.now()
    yesterday = now - dt.timedelta(days=1)
    api.post("/visits", payload(field, assessments=[], outcome="come_back_later"))
    api.post("/visits", payload(field, assessments=[], visited_at=now.isoformat()))
    # Synced late, from yesterday: the household was first reached yesterday.
    api.post("/visits", payload(field, assessments=[], visited_at=yesterday.isoformat()))
    rows = {d.day: d for d in CampaignDay.objects.all()}
    today, before = timezone.localdate(now), timezone.localdate(yesterday)
    assert (rows[today].visits, rows[today].households, rows[today].new_households) == (2, 1, 0)
    assert (rows[before].visits, rows[before].households, rows[before].new_households) == (1, 1, 1)
    assert sum(r.new_households for r in rows.values()) == 1


def test_worklist_lists_uncovered_households_first_with_what_they_lack(field, api_as):
    api = api_as(field.member)
    api.post("/visits", payload(field))
    r = api.get("/worklist", village=field.tree.village.code)
    assert r.status_code == 200
    items = r.json()["households"]
    assert [h["code"] for h in items] == ["HO-002", "HO-001"]
    assert items[0]["covered"] is False and len(items[0]["lacks"]) == 5
    assert items[1]["covered"] is True and items[1]["lacks"] == [] and items[1]["visits"] == 1
    head = next(p for p in items[1]["residents"] if p["id"] == field.head.pk)
    assert head["lacks"] == [] and head["levels"]["payment"] == 2


def test_worklist_of_another_village_is_not_found(field, api_as):
    r = api_as(field.member).get("/worklist", village=field.tree.sibling_village.code)
    assert r.status_code == 404
    r = api_as(field.sibling_member).get("/worklist", village=field.tree.village.code)
    assert r.status_code == 404


def test_worklist_is_a_few_queries(field, api_as, django_assert_max_num_queries):
    from cdtt.campaigns.selectors import worklist

    with django_assert_max_num_queries(6):
        worklist(field.tree.village)


def test_visits_are_visible_to_their_villages_and_scope_only(field, api_as, make_user):
    visit_id = api_as(field.member).post("/visits", payload(field)).json()["id"]
    assert api_as(field.officer).get(f"/visits/{visit_id}").status_code == 200
    assert api_as(field.sibling_member).get(f"/visits/{visit_id}").status_code == 404
    sibling_officer = make_user("commune_officer", field.tree.sibling_commune)
    assert api_as(sibling_officer).get(f"/visits/{visit_id}").status_code == 404
    assert api_as(field.member).get("/visits/not-a-uuid").status_code == 404


def test_me_and_campaigns_give_the_field_app_what_it_needs(field, api_as):
    api = api_as(field.member)
    me = api.get("/me").json()
    assert [v["code"] for v in me["villages"]] == [field.tree.village.code]
    assert me["villages"][0]["campaigns"] == [field.campaign.pk]
    assert len(me["skills"]) == 5 and all(s["checklist"] for s in me["skills"])
    assert any(s["code"] == "vneid" for s in me["services"])
    campaigns = api.get("/campaigns").json()["items"]
    assert campaigns[0]["id"] == field.campaign.pk
    assert set(campaigns[0]["services"]) == {"vneid", "bank_app_vietqr"}


def test_a_teacher_cannot_log_visits(field, api_as, make_user):
    teacher = make_user("teacher", field.tree.commune)
    r = api_as(teacher).post("/visits", payload(field))
    assert r.status_code in (403, 404)
    assert nothing_stored()


def test_a_team_with_a_logged_visit_is_dissolved_never_deleted(field, api_as):
    from django.core.exceptions import ValidationError

    from cdtt.teams.services import has_visits, team_delete

    assert has_visits(field.team) is False
    assert api_as(field.member).post("/visits", payload(field)).status_code == 201
    assert has_visits(field.team) is True
    with pytest.raises(ValidationError):
        team_delete(actor=None, team=field.team)
