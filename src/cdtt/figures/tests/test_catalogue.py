"""The figures mechanism: declarations, derived figures, the catalogue, and query counts that do
not grow with the number of units."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdtt.figures import catalogue as cat
from cdtt.figures.catalogue import Figure, children_figures, figures_for, figures_of
from cdtt.geo.models import Level
from cdtt.registry.rollups import snapshot_take
from cdtt.registry.services import household_create
from cdtt.teams.services import member_add, person_create, team_found
from cdtt.testing import make_unit

REQUIRED = {
    "households",
    "covered",
    "rate",
    "residents",
    "proficient",
    "teams",
    "villages",
    "villages_with_team",
    "members",
    "members_per_100",
    "members_core",
    "members_trained",
    "visits",
    "households_visited",
}


@pytest.fixture
def scratch(monkeypatch):
    """A catalogue of its own, so that test declarations do not leak into the real one."""
    for name in ("_figures", "_source_of", "_derived"):
        monkeypatch.setattr(cat, name, {})
    monkeypatch.setattr(cat, "_sources", [])
    calls = []

    def compute(units, as_of):
        calls.append(([u.pk for u in units], as_of))
        return {u.pk: {"a": u.pk, "b": 2} for u in units if u.level != Level.VILLAGE}

    cat.declare(module="m", figures=[Figure("a", "A", "x"), Figure("b", "B", "y")], compute=compute)
    cat.declare_derived(
        module="n",
        figure=Figure("ab", "A/B", "z"),
        needs=["a", "b"],
        formula=lambda a, b: a / b if b else 0.0,
    )
    cat.declare_derived(
        module="n", figure=Figure("ab2", "2A/B", "z"), needs=["ab"], formula=lambda ab: 2 * ab
    )
    return calls


def test_one_computation_serves_every_unit_and_derived_figures_follow(tree, scratch):
    units = [tree.commune, tree.sibling_commune, tree.village]
    values = figures_for(units, codes=["ab2"])
    assert len(scratch) == 1 and scratch[0] == ([u.pk for u in units], None)
    assert values[tree.commune.pk] == {"ab2": tree.commune.pk}
    # A unit the source has no row for has zeros.
    assert figures_of(tree.village, codes=["a", "ab"]) == {"a": 0, "ab": 0.0}


def test_a_derived_figure_of_an_unknown_value_is_unknown(tree, scratch):
    cat.declare(
        module="o",
        figures=[Figure("unknown", "?", "x")],
        compute=lambda units, as_of: {u.pk: {"unknown": None} for u in units},
    )
    cat.declare_derived(
        module="o", figure=Figure("half", "?/2", "x"), needs=["unknown"], formula=lambda v: v / 2
    )
    assert figures_of(tree.commune, codes=["unknown", "half"]) == {"unknown": None, "half": None}


def test_today_and_later_mean_now(tree, scratch):
    today = timezone.localdate()
    figures_of(tree.commune, as_of=today)
    figures_of(tree.commune, as_of=today - dt.timedelta(days=1))
    assert [as_of for _, as_of in scratch] == [None, today - dt.timedelta(days=1)]


def test_declaring_a_code_twice_or_asking_an_unknown_one_fails(tree, scratch):
    with pytest.raises(ValueError):
        cat.declare(module="x", figures=[Figure("a", "A", "x")], compute=lambda u, d: {})
    with pytest.raises(KeyError):
        figures_of(tree.commune, codes=["nope"])


def test_the_catalogue_holds_every_module_figure_once():
    figures = cat.catalogue()
    codes = [f.code for f in figures]
    assert len(codes) == len(set(codes))
    assert REQUIRED <= set(codes)
    assert {f"proficient_{c}" for c in ("public_services", "safety")} <= set(codes)
    by_code = {f.code: f for f in figures}
    assert (by_code["visits"].module, str(by_code["visits"].unit)) == ("campaigns", "lượt")
    assert (by_code["households"].module, str(by_code["households"].label)) == (
        "registry",
        "Hộ gia đình",
    )
    assert by_code["members_per_100"].module == "teams"


def _grow(commune, start: int, count: int) -> None:
    """Villages with a household and a team each."""
    for i in range(start, start + count):
        village = make_unit(f"{commune.code}-{i:03d}", f"Thôn {i}", Level.VILLAGE, commune)
        household_create(actor=None, village=village, code=f"H{i}")
        leader = person_create(actor=None, full_name=f"Tổ Trưởng {i}")
        team = team_found(actor=None, unit=village, leader=leader)
        member_add(actor=None, team=team, person=person_create(actor=None, full_name=f"TV {i}"))


def _queries(unit, as_of=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        rows = children_figures(unit, as_of=as_of)
    assert rows
    return len(ctx.captured_queries)


@pytest.mark.parametrize("days_back", [None, 1])
def test_children_cost_the_same_queries_for_few_or_many(tree, days_back):
    as_of = None if days_back is None else timezone.localdate() - dt.timedelta(days=days_back)
    _grow(tree.commune, 10, 2)
    snapshot_take(timezone.localdate() - dt.timedelta(days=2))
    few = _queries(tree.commune, as_of), _queries(tree.province, as_of)
    _grow(tree.commune, 20, 8)
    _grow(tree.sibling_commune, 30, 5)
    snapshot_take(timezone.localdate() - dt.timedelta(days=2))
    many = _queries(tree.commune, as_of), _queries(tree.province, as_of)
    assert few == many
    # A few queries per module's source (the media log's adds one), whatever the units.
    assert max(many) <= 16
