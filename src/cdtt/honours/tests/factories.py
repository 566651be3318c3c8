"""A honours world on the test tree: a round with open deadlines, the Department of Home
Affairs, a team in the commune with its members, and an officer for every step (plus the
officers of a sibling commune)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cdtt.organizations.services import organization_create
from cdtt.teams.tests.factories import found_team


@dataclass
class World:
    tree: object
    round: object
    home_affairs: object
    team: object
    person: object
    commune: object  # the commune officer
    sibling: object  # the officer of the sibling commune
    district: object
    admin: object
    appraiser: object  # Home Affairs' officer
    chairman: object  # the provincial leader
    other_team: object  # a team of the sibling commune


def open_round(admin, tree, home_affairs, *, days: int = 10, year: int | None = None):
    from cdtt.honours.services import round_open

    today = timezone.localdate()
    return round_open(
        actor=admin,
        year=year or today.year,
        kind="provincial",
        title="Khen thưởng Ngày Chuyển đổi số",
        criteria="Tổ hoạt động hiệu quả, hướng dẫn nhiều hộ dân.",
        home_affairs=home_affairs,
        unit=tree.province,
        quota_individuals=5,
        quota_collectives=5,
        commune_deadline=today + dt.timedelta(days=days),
        district_deadline=today + dt.timedelta(days=days + 1),
        department_deadline=today + dt.timedelta(days=days + 2),
        home_affairs_deadline=today + dt.timedelta(days=days + 3),
        chairman_deadline=today + dt.timedelta(days=days + 4),
    )


def make_world(tree, make_user) -> World:
    home_affairs = organization_create(
        actor=None, name="Sở Nội vụ", kind="agency", unit=tree.province
    )
    admin = make_user("province_admin", tree.province)
    team = found_team(tree.village)
    person = team.memberships.filter(role="deputy").first().person
    return World(
        tree=tree,
        round=open_round(admin, tree, home_affairs),
        home_affairs=home_affairs,
        team=team,
        person=person,
        commune=make_user("commune_officer", tree.commune),
        sibling=make_user("commune_officer", tree.sibling_commune),
        district=make_user("district_officer", tree.district),
        admin=admin,
        appraiser=make_user("agency_officer", tree.province, organization=home_affairs),
        chairman=make_user("province_leader", tree.province),
        other_team=found_team(tree.sibling_village, leader_name="Trần Văn Bên"),
    )


def carry(w: World, nomination):
    """Approve the nomination at every step of its chain, each by its officer."""
    from cdtt.honours.services import nomination_review

    names = {"department": "admin", "home_affairs": "appraiser"}
    for step in nomination.steps:
        nomination.refresh_from_db()
        actor = getattr(w, names.get(step, step))
        nomination_review(actor=actor, nomination=nomination, action="approve")
    nomination.refresh_from_db()
    return nomination
