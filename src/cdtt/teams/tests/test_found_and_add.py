"""Founding a team with a new leader, adding a member with a new person: all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cdtt.audit.models import AuditEntry
from cdtt.teams.models import MemberRole, Membership, Person, Team
from cdtt.teams.services import member_add_with_person, team_found_with_leader
from cdtt.teams.tests.factories import found_team, person

LEADER = {"full_name": "Hà Văn Trưởng", "gender": "M", "birth_year": 1980, "phone": ""}


def test_team_found_with_leader_saves_both_audited(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    team = team_found_with_leader(
        actor=officer, unit=tree.village, leader=LEADER, decision_number="5/QĐ"
    )
    leader = team.memberships.get(role=MemberRole.LEADER)
    assert leader.person.full_name == "Hà Văn Trưởng" and leader.person.birth_year == 1980
    actions = set(AuditEntry.objects.filter(actor=officer).values_list("action", flat=True))
    assert actions == {"person.create", "team.found"}


def test_team_found_with_leader_refused_leaves_no_person(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    found_team(tree.village)  # nothing forbids a second team; a bad phone does
    before = Person.objects.count()
    with pytest.raises(ValidationError):
        team_found_with_leader(
            actor=officer, unit=tree.village2, leader=LEADER, contact_phone="12ab"
        )
    assert Person.objects.count() == before
    assert not Team.objects.filter(unit=tree.village2).exists()
    assert not AuditEntry.objects.filter(actor=officer).exists()


@pytest.mark.parametrize("persona", ["sibling", "anonymous"])
def test_team_found_with_leader_outside_scope_is_refused(tree, make_user, persona):
    from django.contrib.auth.models import AnonymousUser

    actor = (
        make_user("commune_officer", tree.sibling_commune)
        if persona == "sibling"
        else AnonymousUser()
    )
    with pytest.raises(PermissionDenied):
        team_found_with_leader(actor=actor, unit=tree.village, leader=LEADER)
    assert not Person.objects.exists() and not Team.objects.exists()


def test_member_add_with_a_new_person(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    team = found_team(tree.village, members=0)
    m = member_add_with_person(
        actor=officer,
        team=team,
        new_person={"full_name": "Đỗ Thị Mai", "phone": "0912345678"},
        role=MemberRole.DEPUTY,
        core_force=True,
    )
    assert m.person.full_name == "Đỗ Thị Mai" and m.role == MemberRole.DEPUTY and m.core_force
    actions = set(AuditEntry.objects.filter(actor=officer).values_list("action", flat=True))
    assert actions == {"person.create", "member.add"}


def test_member_add_with_an_existing_person(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    team = found_team(tree.village, members=0)
    p = person("Trần Thị Hoa")
    m = member_add_with_person(actor=officer, team=team, person=p)
    assert m.person == p and Person.objects.filter(full_name="Trần Thị Hoa").count() == 1


def test_member_add_with_person_refused_leaves_no_person(tree, make_user):
    officer = make_user("commune_officer", tree.commune)
    team = found_team(tree.village, members=0)
    before = Person.objects.count()
    with pytest.raises(ValidationError):
        # A second leader is refused after the person would have been created.
        member_add_with_person(
            actor=officer, team=team, new_person={"full_name": "Ai Đó"}, role=MemberRole.LEADER
        )
    assert Person.objects.count() == before
    assert not Membership.objects.filter(person__full_name="Ai Đó").exists()


@pytest.mark.parametrize("persona", ["sibling", "anonymous"])
def test_member_add_with_person_outside_scope_is_refused(tree, make_user, persona):
    from django.contrib.auth.models import AnonymousUser

    team = found_team(tree.village, members=0)
    actor = (
        make_user("commune_officer", tree.sibling_commune)
        if persona == "sibling"
        else AnonymousUser()
    )
    before = Person.objects.count()
    with pytest.raises(PermissionDenied):
        member_add_with_person(actor=actor, team=team, new_person={"full_name": "Ai Đó"})
    assert Person.objects.count() == before


def test_member_add_with_person_needs_exactly_one_person(tree):
    team = found_team(tree.village, members=0)
    with pytest.raises(ValueError):
        member_add_with_person(actor=None, team=team)
    with pytest.raises(ValueError):
        member_add_with_person(
            actor=None, team=team, person=person("A"), new_person={"full_name": "B"}
        )
