"""The demo orchestration on a tiny scale: units, population, snapshots, teams, logins; and
running it twice changes nothing."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from cdtt.accounts.models import User
from cdtt.geo.models import AdminUnit, Level
from cdtt.registry.models import CoverageSnapshot, Household, Resident, VillageCoverage
from cdtt.site import demo

TODAY = dt.date(2024, 10, 20)


def _counts() -> dict[str, int]:
    from cdtt.teams.models import Team

    return {
        "units": AdminUnit.objects.count(),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "snapshots": CoverageSnapshot.objects.count(),
        "users": User.objects.count(),
        "teams": Team.objects.count(),
    }


@pytest.fixture
def built(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    lines: list[str] = []
    report = demo.demo_build(
        scale="small",
        communes_limit=2,
        households_per_commune=25,
        migrate=False,
        today=TODAY,
        out=lines.append,
    )
    return report, lines


def test_it_loads_the_real_units_and_a_population(built):
    report, _lines = built
    assert AdminUnit.objects.filter(level=Level.COMMUNE, province__code="38").count() == 547
    assert AdminUnit.objects.filter(level=Level.DISTRICT, province__code="38").count() == 26
    communes = demo.communes_for("small", 2)
    assert all(c.district.code == demo.DEMO_DISTRICT for c in communes)
    assert set(Household.objects.values_list("commune_id", flat=True)) == {c.pk for c in communes}
    assert report.households == Household.objects.count() > 20
    assert report.residents == Resident.objects.count() > report.households
    assert AdminUnit.objects.filter(level=Level.VILLAGE, commune__in=communes).count() >= 10
    totals = VillageCoverage.objects.values_list("households", "covered")
    assert sum(h for h, _ in totals) == report.households
    assert 0 < sum(c for _, c in totals) < report.households


def test_it_creates_a_login_for_each_role(built):
    report, _lines = built
    roles = {
        u.username: (u.role, u.scope_unit.level)
        for u in User.objects.filter(username__in=demo.DEMO_USERNAMES)
    }
    assert roles == {
        "sotttt": ("province_admin", "province"),
        "lanhdao": ("province_leader", "province"),
        "huyen": ("district_officer", "district"),
        "xa": ("commune_officer", "commune"),
        "totruong": ("team_leader", "commune"),
        "thanhvien": ("team_member", "commune"),
        "giaovien": ("teacher", "commune"),
    }
    assert [login.username for login in report.logins] == demo.DEMO_USERNAMES
    for username in demo.DEMO_USERNAMES:
        assert User.objects.get(username=username).check_password(demo.DEMO_PASSWORD)
    assert User.objects.get(username="huyen").scope_unit.code == demo.DEMO_DISTRICT


def test_field_logins_belong_to_a_team_of_the_commune(built):
    from cdtt.teams.selectors import field_villages

    xa = User.objects.get(username="xa")
    for username in ("totruong", "thanhvien"):
        user = User.objects.get(username=username)
        villages = list(field_villages(user))
        assert villages and all(v.commune_id == xa.scope_unit_id for v in villages)


def test_a_school_with_its_teacher_classes_and_completions(built):
    from cdtt.schools.models import Completion, School, Student
    from cdtt.skills.models import SkillAssessment

    school = School.objects.get(code__startswith="THCS-")
    teacher = User.objects.get(username="giaovien")
    assert teacher.organization_id == school.organization_id
    assert school.classes.count() == 4
    students = Student.objects.filter(school_class__school=school)
    matched = Completion.objects.filter(student__in=students, student__resident__isnull=False)
    # Each completion of a matched student is a school assessment of the resident.
    assert SkillAssessment.objects.filter(method="school").count() == matched.count()
    assert School.objects.filter(code__startswith="THPT-").exists()


def test_snapshots_rise_to_todays_counters(built):
    from django.db.models import Sum

    days = CoverageSnapshot.objects.values("day").annotate(c=Sum("covered"), h=Sum("households"))
    by_day = {row["day"]: (row["c"], row["h"]) for row in days}
    assert len(by_day) == demo.SNAPSHOT_DAYS
    assert max(by_day) == TODAY
    now = VillageCoverage.objects.aggregate(c=Sum("covered"))["c"]
    assert by_day[TODAY][0] == now
    first = min(by_day)
    assert by_day[first][0] < now
    assert all(c <= h for c, h in by_day.values())


def test_running_it_again_duplicates_nothing(built, settings):
    before = _counts()
    lines: list[str] = []
    demo.demo_build(
        scale="small",
        communes_limit=2,
        households_per_commune=25,
        migrate=False,
        today=TODAY,
        out=lines.append,
    )
    assert _counts() == before
    assert any("nothing to import" in line for line in lines)


def test_the_command_builds_without_serving(db, settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("demo", "--no-serve", "--communes", "1", "--households", "10", "--port", "8123")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8123/" in out
    assert demo.DEMO_PASSWORD in out
    assert "sotttt" in out and "thanhvien" in out
    assert Household.objects.count() > 0


def test_the_bench_refuses_sqlite(db, monkeypatch):
    from django.db import connections

    # Whatever the suite runs on, the command must see SQLite here: on PostgreSQL it would
    # really start a benchmark (and switch the connection to its own database).
    settings_dict = connections["default"].settings_dict
    monkeypatch.setitem(settings_dict, "ENGINE", "django.db.backends.sqlite3")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench", "--quick")


def test_an_unknown_scale_is_refused(db):
    with pytest.raises(ValueError):
        demo.communes_for("country")


def test_the_demo_campaign_reports_under_the_departments_letterhead(built):
    from cdtt.campaigns.models import Campaign
    from cdtt.documents.models import Letterhead

    campaign = Campaign.objects.get(name=demo.CAMPAIGN_NAME)
    head = campaign.letterhead
    assert (head.issuing_body, head.symbol, head.place) == (
        "Sở Khoa học và Công nghệ",
        "SKHCN",
        "Thanh Hóa",
    )
    assert head.unit.code == "38" and head.governing_body == f"UBND {head.unit.full_name}"
    admin = User.objects.filter(role="province_admin").first()
    assert demo.letterhead_ensure(actor=admin, province=head.unit) == head
    assert Letterhead.objects.count() == 1


def test_the_demo_has_a_campaign_running_today_that_the_field_app_offers(built):
    from cdtt.campaigns.models import Campaign
    from cdtt.campaigns.selectors import active_campaigns_for_villages, field_villages

    running = Campaign.objects.get(name=demo.RUNNING_NAME)
    assert running.starts_on <= TODAY <= running.ends_on
    member = User.objects.filter(role="team_member").first()
    villages = list(field_villages(member))
    offered = active_campaigns_for_villages(villages, today=TODAY)["by_village"]
    assert villages and all(running.pk in offered[v.pk] for v in villages)
    # Built again the same day: the same campaign, not a second one.
    admin = User.objects.filter(role="province_admin").first()
    demo.running_campaign_ensure(actor=admin, province=running.scope_units.get(), today=TODAY)
    assert Campaign.objects.filter(name=demo.RUNNING_NAME).count() == 1


def test_the_field_worklist_of_the_demo_names_grown_up_heads_of_households(built):
    from cdtt.campaigns.selectors import field_villages, worklist

    member = User.objects.filter(role="team_member").first()
    households = [h for v in field_villages(member) for h in worklist(v)]
    assert households
    for household in households:
        head = household["residents"][0]
        assert head["relation"] == "Chủ hộ", household
        assert head["birth_year"] <= TODAY.year - 18, household


def test_the_models_movement_and_offers_have_demo_data(built):
    from cdtt.movements.models import Movement
    from cdtt.movements.selectors import ranking
    from cdtt.offers.models import Claim, Offer
    from cdtt.practices.models import Initiative, Status

    _report, lines = built
    assert Initiative.objects.filter(status=Status.APPROVED).count() == 2, lines
    assert Initiative.objects.filter(replicated_from__isnull=False).count() == 1
    members, branches = ranking(Movement.objects.get())
    assert [m.name for m in members] == [User.objects.get(username="thanhvien").person.full_name]
    assert Movement.objects.get().criteria.count() == 4
    assert Offer.objects.count() == 2 and Claim.objects.count() == 1
