import pytest
from django.core.exceptions import ValidationError

from cdtt.teams import services
from cdtt.teams.models import MemberRole, Membership
from cdtt.teams.selectors import field_villages, team_figures, villages_without_team
from cdtt.teams.services import (
    leader_appoint,
    member_add,
    member_invite,
    member_remove,
    team_delete,
    team_dissolve,
    team_found,
)
from cdtt.teams.tests.factories import found_team, person


def test_found_team_has_its_leader_as_member(tree):
    team = found_team(tree.village)
    leader = team.memberships.get(role=MemberRole.LEADER, left_on__isnull=True)
    assert leader.person.full_name == "Lê Văn Tổ"
    assert list(team.villages.all()) == [tree.village]
    assert team.level == "village" and team.commune == tree.commune


def test_team_without_leader_is_refused(tree):
    with pytest.raises(ValidationError) as exc:
        team_found(actor=None, unit=tree.village, leader=None)
    assert "tổ trưởng" in str(exc.value)


def test_member_added_twice_is_refused_with_reason(tree):
    team = found_team(tree.village, members=0)
    p = person("Trần Thị Hoa")
    member_add(actor=None, team=team, person=p)
    with pytest.raises(ValidationError) as exc:
        member_add(actor=None, team=team, person=p)
    assert "đã là thành viên" in exc.value.messages[0]
    assert team.memberships.filter(person=p).count() == 1


def test_person_may_serve_in_two_teams_and_history_stays(tree):
    a, b = found_team(tree.village, members=0), found_team(tree.village2, members=0)
    p = person("Trần Thị Hoa")
    m = member_add(actor=None, team=a, person=p)
    member_add(actor=None, team=b, person=p)
    member_remove(actor=None, membership=m)
    member_add(actor=None, team=a, person=p)  # rejoins: a second row, the first kept
    assert Membership.objects.filter(team=a, person=p).count() == 2


def test_leader_must_be_a_member(tree):
    team = found_team(tree.village)
    other_team = found_team(tree.village2)
    outsider = other_team.memberships.exclude(role=MemberRole.LEADER).first()
    with pytest.raises(ValidationError) as exc:
        leader_appoint(actor=None, team=team, membership=outsider)
    assert "phải là thành viên" in exc.value.messages[0]


def test_leader_appoint_keeps_one_leader(tree):
    team = found_team(tree.village)
    deputy = team.memberships.get(role=MemberRole.DEPUTY)
    leader_appoint(actor=None, team=team, membership=deputy)
    leaders = team.memberships.filter(role=MemberRole.LEADER, left_on__isnull=True)
    assert [m.pk for m in leaders] == [deputy.pk]


def test_leader_cannot_leave_without_successor(tree):
    team = found_team(tree.village)
    with pytest.raises(ValidationError):
        member_remove(actor=None, membership=team.memberships.get(role=MemberRole.LEADER))


@pytest.mark.parametrize(
    "raw", ["0912 345 678", "+84912345678", "84912345678", "912345678", "0912.345.678"]
)
def test_phone_formats_are_normalised(tree, raw):
    assert person("A", phone=raw).phone == "0912345678"


@pytest.mark.parametrize("raw", ["12345", "0112345678", "+1 202 555 0100", "09123abc78"])
def test_impossible_phones_are_refused_with_reason(tree, raw):
    with pytest.raises(ValidationError) as exc:
        person("A", phone=raw)
    assert exc.value.message_dict["phone"][0]


def test_dissolving_team_with_visits_keeps_it_with_history(tree, monkeypatch):
    team = found_team(tree.village)
    monkeypatch.setattr(services, "has_visits", lambda t: True)
    with pytest.raises(ValidationError):
        team_delete(actor=None, team=team)
    team_dissolve(actor=None, team=team)
    team.refresh_from_db()
    assert team.dissolved_on is not None
    assert team.memberships.count() == 3
    assert not team.memberships.filter(left_on__isnull=True).exists()


def test_has_visits_is_false_when_no_visit_is_logged(tree):
    assert services.has_visits(found_team(tree.village)) is False


def test_team_delete_without_visits(tree):
    team = found_team(tree.village)
    team_delete(actor=None, team=team)
    assert not type(team).objects.filter(pk=team.pk).exists()


def test_field_villages_of_a_member_and_fallback(tree, make_user):
    team = found_team(tree.village, villages=[tree.village, tree.village2])
    m = team.memberships.get(role=MemberRole.DEPUTY)
    user, password = member_invite(actor=None, membership=m)
    assert len(password) >= 10 and user.role == "team_member" and user.scope_unit == tree.commune
    assert set(field_villages(user)) == {tree.village, tree.village2}
    member_add(actor=None, team=found_team(tree.sibling_village, members=0), person=m.person)
    assert tree.sibling_village in set(field_villages(user))
    member_remove(actor=None, membership=m)
    assert tree.village not in set(field_villages(user))
    plain = make_user("team_member", tree.sibling_commune)
    assert list(field_villages(plain)) == [tree.sibling_village]


def test_villages_without_team_and_figures(tree):
    assert villages_without_team(tree.commune).count() == 2
    found_team(tree.village)
    assert list(villages_without_team(tree.commune)) == [tree.village2]
    fig = team_figures(tree.commune)
    assert (fig.teams, fig.villages, fig.villages_with_team, fig.members) == (1, 2, 1, 3)
    assert fig.core_force == 1
    assert team_figures(tree.province).members == 3


def test_village_of_another_commune_is_refused(tree):
    with pytest.raises(ValidationError):
        found_team(tree.commune, villages=[tree.sibling_village])
