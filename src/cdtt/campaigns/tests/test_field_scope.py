"""The visit's raw-SQL scope rule (``campaigns.services._household_for``, one statement on the
hot path of visit submission) decides the same households as the selector it mirrors,
``teams.selectors.field_villages``, for every persona: a team member, a team leader, a commune
officer, users of another commune, and the edge cases (a member who left, a dissolved team, a
retired village, an inactive account). The worklist's one-statement lookup of a village by its code,
``campaigns.visit_lookup.worklist_village``, agrees with the same selector."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from cdtt.campaigns.visit_lookup import household_for_visit, worklist_village
from cdtt.core.errors import NotFound
from cdtt.geo.models import AdminUnit
from cdtt.registry.models import Household
from cdtt.registry.services import household_create
from cdtt.teams.models import MemberRole, Team
from cdtt.teams.selectors import field_villages
from cdtt.teams.services import member_add, member_remove, person_create, team_found

pytestmark = pytest.mark.django_db


def by_sql(user) -> set[str]:
    """The households the visit's statement lets ``user`` record a visit to."""
    seen = set()
    for household in Household.objects.select_related("commune"):
        data = {
            "household": {"commune_code": household.commune.code, "code": household.code},
            "assessments": [],
            "services": [],
            "campaign": None,
        }
        try:
            household_for_visit(user, data)
        except NotFound as refused:
            assert refused.status == 404  # outside is answered exactly as unknown
            continue
        seen.add(f"{household.commune.code}/{household.code}")
    return seen


def by_selector(user) -> set[str]:
    villages = field_villages(user)
    return {
        f"{h.commune.code}/{h.code}"
        for h in Household.objects.filter(village__in=villages).select_related("commune")
    }


def login_of(make_user, role, unit, name):
    user = make_user(role, unit, username=name)
    person = person_create(actor=None, full_name=name.title())
    person.user = user
    person.save()
    return user, person


@pytest.fixture
def personas(tree, make_user):
    """Households in every village (one in a village retired since), two teams of the commune
    and one of the sibling commune, and a user for each persona."""
    retired = AdminUnit.objects.create(
        code="16000-003",
        name="Cũ",
        level="village",
        parent=tree.commune,
        structure="2024",
        unit_type="Thôn",
        path=f"{tree.commune.path}16000-003/",
        name_key="cu",
        **tree.commune.ancestor_ids(),
    )
    for village in (
        tree.village,
        tree.village2,
        retired,
        tree.sibling_village,
        tree.far_village,
    ):
        for n in (1, 2):
            household_create(actor=None, village=village, code=f"H{village.code[-3:]}-{n}")
    AdminUnit.objects.filter(pk=retired.pk).update(valid_to=dt.date(2025, 1, 1))

    p = {}
    p["leader"], leader = login_of(make_user, "team_leader", tree.commune, "leader")
    commune_team = team_found(
        actor=None, unit=tree.commune, leader=leader, villages=[tree.village, tree.village2]
    )
    p["member"], member = login_of(make_user, "team_member", tree.commune, "member")
    village_leader = person_create(actor=None, full_name="Tổ Trưởng Thôn")
    village_team = team_found(actor=None, unit=tree.village, leader=village_leader)
    member_add(actor=None, team=village_team, person=member)
    # A member of two teams: the commune's team too.
    p["two_teams"], both = login_of(make_user, "team_member", tree.commune, "both")
    member_add(actor=None, team=village_team, person=both)
    member_add(actor=None, team=commune_team, person=both)
    p["commune_officer"] = make_user("commune_officer", tree.commune)
    # Users of another commune: its team's member, its officer, the far district's officer.
    p["sibling_member"], sibling = login_of(make_user, "team_member", tree.sibling_commune, "sib")
    sibling_team = team_found(
        actor=None, unit=tree.sibling_village, leader=person_create(actor=None, full_name="X")
    )
    member_add(actor=None, team=sibling_team, person=sibling)
    p["sibling_officer"] = make_user("commune_officer", tree.sibling_commune)
    p["far_officer"] = make_user("district_officer", tree.other_district)
    # Edge cases: a member who left, a member of a dissolved team, a person without team.
    p["left"], gone = login_of(make_user, "team_member", tree.commune, "left")
    member_remove(actor=None, membership=member_add(actor=None, team=village_team, person=gone))
    p["dissolved"], old = login_of(make_user, "team_member", tree.commune, "old")
    old_team = team_found(
        actor=None, unit=tree.village2, leader=person_create(actor=None, full_name="Y")
    )
    member_add(actor=None, team=old_team, person=old, role=MemberRole.MEMBER)
    Team.objects.filter(pk=old_team.pk).update(dissolved_on=dt.date(2025, 1, 1))
    p["no_team"], _ = login_of(make_user, "team_member", tree.commune, "noteam")
    p["inactive"] = make_user("commune_officer", tree.commune, username="inactive")
    p["inactive"].is_active = False
    p["inactive"].save()
    p["anonymous"] = AnonymousUser()
    return p


EXPECTED = {
    "leader": {"16000/H001-1", "16000/H001-2", "16000/H002-1", "16000/H002-2"},
    "member": {"16000/H001-1", "16000/H001-2"},
    "two_teams": {"16000/H001-1", "16000/H001-2", "16000/H002-1", "16000/H002-2"},
    "commune_officer": {"16000/H001-1", "16000/H001-2", "16000/H002-1", "16000/H002-2"},
    "sibling_member": {"16001/H001-1", "16001/H001-2"},
    "sibling_officer": {"16001/H001-1", "16001/H001-2"},
    "far_officer": {"16100/H001-1", "16100/H001-2"},
    "left": set(),
    "dissolved": set(),
    "no_team": set(),
    "inactive": set(),
    "anonymous": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_the_visits_statement_and_the_selector_agree(personas, persona):
    user = personas[persona]
    assert by_sql(user) == by_selector(user) == EXPECTED[persona]


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_the_worklists_village_and_the_selector_agree(personas, persona, django_assert_num_queries):
    """Every unit's code (villages of each commune, the retired one, communes, districts):
    the worklist's lookup finds the village ``field_villages`` holds, with its commune and
    the active skills in their order, in one statement; nothing where the selector holds
    nothing."""
    from cdtt.skills.models import Skill

    user = personas[persona]
    Skill.objects.filter(code="payment").update(active=False)
    active = list(Skill.objects.filter(active=True).values_list("code", flat=True))
    signed_in = getattr(user, "is_active", False)
    found = set()
    for code in AdminUnit.objects.values_list("code", flat=True).distinct():
        with django_assert_num_queries(1 if signed_in else 0):
            village, skills = worklist_village(user, code)
        assert village == field_villages(user).filter(code=code).first(), code
        assert skills == (active if village is not None else [])
        if village is not None:
            with django_assert_num_queries(0):
                commune = village.commune.code  # read with the village
            households = Household.objects.filter(village=village).values_list("code", flat=True)
            found |= {f"{commune}/{h}" for h in households}
    assert found == EXPECTED[persona]
