"""Every access helper, called directly with the three personas.

An access helper (a top-level function named ``access_*`` in any module of the apps) is the only
way to fetch one protected object for a user. Each one gets a case here: someone allowed gets the
object, someone in a sibling unit gets 404 (exactly as if it did not exist), an anonymous user
gets 404. The helpers are found by reading the source, so one added without a case fails
``test_every_access_helper_has_a_case``.
"""

import ast
import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

import cdtt

SOURCE = Path(cdtt.__file__).parent

# The protected models, each with the helper that is the only way to fetch one.
PROTECTED = {
    "registry.Household": "cdtt.registry.selectors.access_household",
    "registry.Resident": "cdtt.registry.selectors.access_resident",
    "teams.Team": "cdtt.teams.selectors.access_team",
    "teams.Membership": "cdtt.teams.selectors.access_membership",
    "teams.Person": "cdtt.teams.selectors.access_person",
    "organizations.Organization": "cdtt.organizations.access.access_organization",
    "campaigns.Visit": "cdtt.campaigns.selectors.access_visit",
    "campaigns.Campaign": "cdtt.campaigns.selectors.access_campaign",
    "core.Job": "cdtt.core.jobs.access_job",
    "documents.Letterhead": "cdtt.documents.selectors.access_letterhead",
    "core.Notification": "cdtt.core.notifications.access_notification",
    "accounts.User": "cdtt.accounts.access.access_user",
    "geo.AdminUnit": "cdtt.geo.access.access_unit",
    "training.Course": "cdtt.training.selectors.access_course",
    "directives.Directive": "cdtt.directives.selectors.access_directive",
    "directives.Task": "cdtt.directives.selectors.access_task",
    "schools.School": "cdtt.schools.selectors.access_school",
    "schools.SchoolClass": "cdtt.schools.selectors.access_class",
    "schools.Student": "cdtt.schools.selectors.access_student",
    "schools.Lesson": "cdtt.schools.selectors.access_lesson",
    "reports.Report": "cdtt.reports.selectors.access_report",
    "practices.Initiative": "cdtt.practices.selectors.access_initiative",
    "movements.Movement": "cdtt.movements.selectors.access_movement",
    "offers.Offer": "cdtt.offers.selectors.access_offer",
    "honours.Round": "cdtt.honours.selectors.access_round",
    "honours.Nomination": "cdtt.honours.selectors.access_nomination",
    "honours.Award": "cdtt.honours.selectors.access_award",
    "honours.DialogueForm": "cdtt.honours.selectors.access_dialogue_form",
    "media.MediaPost": "cdtt.media.selectors.access_post",
}


def discovered_helpers() -> set[str]:
    """Dotted names of the top-level ``access_*`` functions of every module outside tests."""
    found = set()
    for path in SOURCE.rglob("*.py"):
        parts = path.relative_to(SOURCE.parent).with_suffix("").parts
        if "tests" in parts or "migrations" in parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("access_"):
                found.add(".".join([*parts, node.name]))
    return found


@dataclass
class Case:
    obj: Any  # what the allowed user gets
    key: Any  # what the helper is called with
    allowed: Any
    sibling: Any  # a user of a sibling unit (or another user, for what is personal)


def _officers(tree, make_user):
    return (
        make_user("commune_officer", tree.commune),
        make_user("commune_officer", tree.sibling_commune),
    )


def _unit_by_code(tree, make_user) -> Case:
    return Case(tree.village, tree.village.code, *_officers(tree, make_user))


def _unit_by_id(tree, make_user) -> Case:
    return Case(tree.village, tree.village.pk, *_officers(tree, make_user))


def _user(tree, make_user) -> Case:
    target = make_user("team_member", tree.village)
    return Case(target, target.pk, *_officers(tree, make_user))


def _organization(tree, make_user) -> Case:
    from cdtt.organizations.services import organization_create

    org = organization_create(
        actor=None, name="Trường THCS Quảng Định", kind="school", unit=tree.commune
    )
    return Case(org, org.pk, *_officers(tree, make_user))


def _household(tree, make_user) -> Case:
    from cdtt.registry.services import household_create

    household = household_create(actor=None, village=tree.village, code="HO-1")
    return Case(household, household.pk, *_officers(tree, make_user))


def _resident(tree, make_user) -> Case:
    from cdtt.registry.services import household_create, resident_create

    household = household_create(actor=None, village=tree.village, code="HO-1")
    resident = resident_create(
        actor=None, household=household, full_name="Lê Văn A", birth_date=None, birth_year=1970
    )
    return Case(resident, resident.pk, *_officers(tree, make_user))


def _team(tree, make_user) -> Case:
    from cdtt.teams.tests.factories import found_team

    team = found_team(tree.village)
    return Case(team, team.pk, *_officers(tree, make_user))


def _membership(tree, make_user) -> Case:
    from cdtt.teams.tests.factories import found_team

    membership = found_team(tree.village).memberships.first()
    return Case(membership, membership.pk, *_officers(tree, make_user))


def _person(tree, make_user) -> Case:
    from cdtt.teams.tests.factories import found_team

    person = found_team(tree.village).memberships.first().person
    return Case(person, person.pk, *_officers(tree, make_user))


def _campaign(tree, make_user) -> Case:
    from cdtt.campaigns.services import campaign_create

    today = timezone.localdate()
    campaign = campaign_create(
        actor=make_user("province_admin", tree.province),
        name="Chiến dịch xã Quảng Định",
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
        scope_units=[tree.commune],
    )
    return Case(campaign, campaign.pk, *_officers(tree, make_user))


def _visit(tree, make_user) -> Case:
    from cdtt.campaigns.tests.factories import Field
    from cdtt.campaigns.visits import visit_submit

    field = Field(tree, make_user)
    visit, _created = visit_submit(
        actor=field.member,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": tree.commune.code, "code": field.home.code},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
        },
    )
    sibling = make_user("commune_officer", tree.sibling_commune)
    return Case(visit, str(visit.pk), field.officer, sibling)


def _job(tree, make_user) -> Case:
    from cdtt.core.jobs import job_create

    owner, other = _officers(tree, make_user)
    job = job_create(kind="rollups.rebuild", title="Tính lại số liệu", actor=owner)
    return Case(job, job.pk, owner, other)


def _notification(tree, make_user) -> Case:
    from cdtt.core.notifications import notify

    recipient, other = _officers(tree, make_user)
    (notification,) = notify(recipients=[recipient], title="Tổ mới", email=False)
    return Case(notification, notification.pk, recipient, other)


def _letterhead(tree, make_user) -> Case:
    from cdtt.documents.services import letterhead_create

    letterhead = letterhead_create(
        actor=make_user("province_admin", tree.province),
        unit=tree.commune,
        name="UBND xã Quảng Định",
        governing_body="UBND huyện Quảng Xương",
        issuing_body="UBND xã Quảng Định",
        symbol="UBND",
        place="Quảng Định",
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="Chủ tịch",
        signer_name="Lê Văn Định",
    )
    return Case(letterhead, letterhead.pk, *_officers(tree, make_user))


def _training(tree, make_user):
    from cdtt.training.tests.factories import Training

    return Training(tree, make_user)


def _course(tree, make_user) -> Case:
    t = _training(tree, make_user)
    return Case(t.course, t.course.pk, t.officer, t.sibling_officer)


def _member_course(tree, make_user) -> Case:
    from cdtt.training import services

    t = _training(tree, make_user)
    services.enrol(actor=t.user, course=t.course, person=t.person)
    return Case(t.course, t.course.pk, t.user, t.sibling_user)


def _directive(tree, make_user) -> Case:
    from cdtt.directives.tests.factories import make_world

    w = make_world(tree, make_user)  # another agency's officer is the "sibling"
    return Case(w.directive, w.directive.pk, w.edu_officer, w.other_officer)


def _task(tree, make_user) -> Case:
    from cdtt.directives.tests.factories import make_world

    w = make_world(tree, make_user)
    return Case(w.task, w.task.pk, w.ict_officer, w.other_officer)


def _schools(tree):
    """A class of a school of the commune with a student and a lesson; the teachers of that
    school and of a school of the sibling commune."""
    from cdtt.schools.models import Student
    from cdtt.schools.services import class_create, lesson_plan, school_create, teacher_create

    def school_with_teacher(code, commune, username):
        school = school_create(
            actor=None, name=f"Trường THCS {code}", code=code, level="lower", commune=commune
        )
        return school, teacher_create(
            actor=None, school=school, username=username, password="x-Pa55word!", full_name=code
        )

    school, teacher = school_with_teacher("TH001", tree.commune, "gv1")
    _, other = school_with_teacher("TH002", tree.sibling_commune, "gv2")
    school_class = class_create(actor=None, school=school, name="6a", school_year="2025-2026")
    student = Student.objects.create(
        school_class=school_class,
        full_name="Nguyễn Văn An",
        name_key="nguyen van an",
        birth_year=2013,
        birth_key="2013",
        commune=tree.commune,
    )
    lesson = lesson_plan(
        actor=None,
        school_class=school_class,
        skill_code="safety",
        title="An toàn trên mạng",
        planned_on=dt.date(2025, 10, 1),
    )
    return school, school_class, student, lesson, teacher, other


def _school(tree, make_user) -> Case:
    school, _cls, _student, _lesson, teacher, other = _schools(tree)
    return Case(school, school.pk, teacher, other)


def _school_class(tree, make_user) -> Case:
    _school, school_class, _student, _lesson, teacher, other = _schools(tree)
    return Case(school_class, school_class.pk, teacher, other)


def _student(tree, make_user) -> Case:
    _school, _cls, student, _lesson, teacher, other = _schools(tree)
    return Case(student, student.pk, teacher, other)


def _lesson(tree, make_user) -> Case:
    _school, _cls, _student, lesson, teacher, other = _schools(tree)
    return Case(lesson, lesson.pk, teacher, other)


def _report(tree, make_user) -> Case:
    from cdtt.reports import services

    officer, sibling = _officers(tree, make_user)
    report = services.report_create(
        actor=officer,
        kind="ministry",
        unit=tree.commune,
        period_from=dt.date(2024, 9, 1),
        period_to=dt.date(2024, 9, 30),
        cutoff=dt.date(2024, 9, 30),
    )
    return Case(report, report.pk, officer, sibling)


def _initiative(tree, make_user) -> Case:
    from cdtt.practices.tests.factories import World

    w = World(tree, make_user)
    initiative = w.propose()
    return Case(initiative, initiative.pk, w.officer, w.sibling)


def _movement(tree, make_user) -> Case:
    from cdtt.movements.models import Movement
    from cdtt.movements.tests.factories import Youth

    y = Youth(tree, make_user)
    movement = y.movement()
    # A movement of the commune: its members see it, the sibling commune's do not.
    Movement.objects.filter(pk=movement.pk).update(path=tree.commune.path, unit=tree.commune)
    return Case(movement, movement.pk, y.member, y.sibling_member)


def _offer(tree, make_user) -> Case:
    from cdtt.offers.tests.factories import Market

    m = Market(tree, make_user)
    offer = m.offer()
    return Case(offer, offer.pk, m.seller, m.rival)


def _honours(tree, make_user):
    from cdtt.honours.tests.factories import make_world

    return make_world(tree, make_user)


def _round(tree, make_user) -> Case:
    w = _honours(tree, make_user)  # rounds are for officers: a team member is the outsider
    return Case(w.round, w.round.pk, w.commune, make_user("team_member", tree.sibling_village))


def _nomination(tree, make_user) -> Case:
    from cdtt.honours.services import nomination_file

    w = _honours(tree, make_user)
    nomination = nomination_file(
        actor=w.commune, round=w.round, subject_kind="team", subject_id=w.team.pk, citation="Tốt"
    )
    return Case(nomination, nomination.pk, w.commune, w.sibling)


def _award(tree, make_user) -> Case:
    from cdtt.honours.services import decision_issue, nomination_file
    from cdtt.honours.tests.factories import carry

    w = _honours(tree, make_user)
    nomination = nomination_file(
        actor=w.commune, round=w.round, subject_kind="team", subject_id=w.team.pk, citation="Tốt"
    )
    carry(w, nomination)
    decision = decision_issue(
        actor=w.admin,
        round=w.round,
        number="12/QĐ-UBND",
        signed_on=timezone.localdate(),
        signer="Đỗ Minh Tuấn",
    )
    award = decision.awards.get()
    return Case(award, award.pk, w.commune, w.sibling)


def _dialogue_form(tree, make_user) -> Case:
    from cdtt.honours.dialogue import dialogue_pick

    w = _honours(tree, make_user)
    form = dialogue_pick(actor=w.admin, year=timezone.localdate().year, person=w.person)
    return Case(form, form.pk, w.admin, w.commune)


def _media_post(tree, make_user) -> Case:
    from cdtt.media.tests.factories import media_world

    m = media_world(tree, make_user)
    return Case(m.post, m.post.pk, m.reporter, m.other_reporter)


CASES: dict[str, Callable[..., Case]] = {
    "cdtt.geo.access.access_unit": _unit_by_code,
    "cdtt.geo.access.access_unit_by_id": _unit_by_id,
    "cdtt.accounts.access.access_user": _user,
    "cdtt.organizations.access.access_organization": _organization,
    "cdtt.registry.selectors.access_household": _household,
    "cdtt.registry.selectors.access_resident": _resident,
    "cdtt.teams.selectors.access_team": _team,
    "cdtt.teams.selectors.access_membership": _membership,
    "cdtt.teams.selectors.access_person": _person,
    "cdtt.campaigns.selectors.access_campaign": _campaign,
    "cdtt.campaigns.selectors.access_visit": _visit,
    "cdtt.core.jobs.access_job": _job,
    "cdtt.core.notifications.access_notification": _notification,
    "cdtt.training.selectors.access_course": _course,
    "cdtt.training.selectors.access_member_course": _member_course,
    "cdtt.directives.selectors.access_directive": _directive,
    "cdtt.directives.selectors.access_task": _task,
    "cdtt.schools.selectors.access_school": _school,
    "cdtt.schools.selectors.access_class": _school_class,
    "cdtt.schools.selectors.access_student": _student,
    "cdtt.schools.selectors.access_lesson": _lesson,
    "cdtt.reports.selectors.access_report": _report,
    "cdtt.documents.selectors.access_letterhead": _letterhead,
    "cdtt.practices.selectors.access_initiative": _initiative,
    "cdtt.movements.selectors.access_movement": _movement,
    "cdtt.offers.selectors.access_offer": _offer,
    "cdtt.honours.selectors.access_round": _round,
    "cdtt.honours.selectors.access_nomination": _nomination,
    "cdtt.honours.selectors.access_award": _award,
    "cdtt.honours.selectors.access_dialogue_form": _dialogue_form,
    "cdtt.media.selectors.access_post": _media_post,
}


def _helper(name: str) -> Callable:
    module, function = name.rsplit(".", 1)
    return getattr(import_module(module), function)


def test_every_access_helper_has_a_case():
    found = discovered_helpers()
    assert found, "no access helper found: the discovery is broken"
    assert found - CASES.keys() == set(), "access helpers without a case in this module"
    assert CASES.keys() - found == set(), "cases of access helpers that no longer exist"


def test_every_protected_model_has_its_helper():
    assert set(PROTECTED.values()) <= CASES.keys()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["allowed", "sibling", "anonymous"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_access_helper(name, persona, tree, make_user):
    case = CASES[name](tree, make_user)
    helper = _helper(name)
    if persona == "allowed":
        got = helper(case.allowed, case.key)
        assert type(got) is type(case.obj) and str(got.pk) == str(case.obj.pk)
        helped = {helper: model for model, helper in PROTECTED.items()}
        if name in helped:
            assert got._meta.label == helped[name]
        return
    user = case.sibling if persona == "sibling" else AnonymousUser()
    with pytest.raises(Http404):
        helper(user, case.key)


@pytest.mark.django_db
def test_an_inactive_user_reaches_nothing(tree, make_user):
    from cdtt.teams.selectors import access_team
    from cdtt.teams.tests.factories import found_team

    team = found_team(tree.village)
    officer = make_user("commune_officer", tree.commune)
    assert access_team(officer, team.pk) == team
    officer.is_active = False
    with pytest.raises(Http404):
        access_team(officer, team.pk)


@pytest.mark.django_db
def test_access_visit_answers_a_key_that_is_no_uuid_as_missing(tree, make_user):
    from cdtt.campaigns.selectors import access_visit

    with pytest.raises(Http404):
        access_visit(make_user("province_admin", tree.province), "not-a-uuid")
