"""The teams' figures now and as of past dates: founding, joining, leaving, dissolving, training."""

import datetime as dt

import pytest
from django.utils import timezone

from cdtt.figures.catalogue import children_figures, figures_of
from cdtt.registry.imports import population_import
from cdtt.teams.services import member_add, member_remove, team_dissolve, team_found
from cdtt.training.tests.factories import completed

from .factories import person

CODES = [
    "teams",
    "villages",
    "villages_with_team",
    "members",
    "members_core",
    "members_trained",
    "members_per_100",
]
ROWS = """Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh
16000,Yên Trung,HK01,Nguyễn Văn An,1985
16000,Yên Trung,HK01,Lê Thị Bình,1987
16000,Phú Lộc,HK02,Trần Văn Cường,1960
16000,Phú Lộc,HK02,Trần Thị Dung,1962
"""


def ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def found(unit, leader, founded: int, **extra):
    return team_found(
        actor=None,
        unit=unit,
        leader=leader,
        decision_date=ago(founded),
        founded_on=ago(founded),
        **extra,
    )


@pytest.fixture
def teams(tree):
    """A commune team serving Yên Trung (100 days), Yên Trung's own team (50 days) whose member
    joined 40 days ago and left 10 days ago, another member joined 5 days ago; the sibling
    commune's village team lived from 30 to 20 days ago."""
    assert population_import(actor=None, data=ROWS.encode()).ok
    found(tree.commune, person("Tổ Trưởng Xã"), 100, villages=[tree.village])
    # Members trained come from completions of courses (cdtt.training).
    leader = person("Tổ Trưởng Thôn")
    completed(leader, ago(60), tree.province)
    village_team = found(tree.village, leader, 50, leader_core_force=True)
    leaving = member_add(actor=None, team=village_team, person=person("Đi Sớm"), joined_on=ago(40))
    member_remove(actor=None, membership=leaving, on=ago(10))
    newcomer = person("Mới Vào")
    completed(newcomer, ago(3), tree.province)
    member_add(actor=None, team=village_team, person=newcomer, joined_on=ago(5))
    short = found(tree.sibling_village, person("Tổ Trưởng Đông"), 30)
    team_dissolve(actor=None, team=short, on=ago(20))
    return tree


def test_the_commune_now(teams):
    assert figures_of(teams.commune, codes=CODES) == {
        "teams": 2,
        "villages": 2,
        "villages_with_team": 1,
        "members": 3,
        "members_core": 1,
        "members_trained": 2,
        "members_per_100": 75.0,
    }


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (70, (1, 0, 1, 0, 0)),  # only the commune team
        (45, (2, 1, 2, 1, 1)),  # the village team founded, its leader trained
        (35, (2, 1, 3, 1, 1)),  # the first member joined
        (10, (2, 1, 2, 1, 1)),  # ... and left that day
        (4, (2, 1, 3, 1, 1)),  # the second joined, not yet trained
        (2, (2, 1, 3, 1, 2)),
    ],
)
def test_the_commune_as_of_past_dates(teams, days, expected):
    codes = ["teams", "villages_with_team", "members", "members_core", "members_trained"]
    values = figures_of(teams.commune, as_of=ago(days), codes=codes)
    assert tuple(values[c] for c in codes) == expected


def test_a_dissolved_team_counts_while_it_lived(teams):
    codes = ["teams", "villages", "villages_with_team", "members"]
    assert figures_of(teams.district, as_of=ago(25), codes=codes) == {
        "teams": 3,
        "villages": 3,
        "villages_with_team": 2,
        "members": 4,
    }
    assert figures_of(teams.district, codes=codes) == {
        "teams": 2,
        "villages": 3,
        "villages_with_team": 1,
        "members": 3,
    }


def test_villages_count_the_teams_serving_them(teams):
    rows = {c.code: f for c, f in children_figures(teams.commune, codes=CODES)}
    assert rows["16000-001"] == {
        "teams": 2,
        "villages": 1,
        "villages_with_team": 1,
        "members": 3,
        "members_core": 1,
        "members_trained": 2,
        "members_per_100": 150.0,
    }
    assert rows["16000-002"] == {
        "teams": 0,
        "villages": 1,
        "villages_with_team": 0,
        "members": 0,
        "members_core": 0,
        "members_trained": 0,
        "members_per_100": 0.0,
    }


def test_a_village_retired_before_the_date_is_not_counted(teams):
    teams.village2.valid_from = ago(400)
    teams.village2.valid_to = ago(15)
    teams.village2.save()
    assert figures_of(teams.commune, as_of=ago(20), codes=["villages"]) == {"villages": 2}
    assert figures_of(teams.commune, as_of=ago(5), codes=["villages"]) == {"villages": 1}


def test_members_per_100_is_unknown_without_residents(tree):
    found(tree.far_village, person("Một Mình"), 10)
    assert figures_of(tree.far_commune, codes=["members", "members_per_100"]) == {
        "members": 1,
        "members_per_100": None,
    }
