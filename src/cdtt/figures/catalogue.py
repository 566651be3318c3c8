"""The catalogue of figures and how they are computed, several at a time, for several units.

A module declares a *source*: the figures it knows and one function that computes all of them
for a list of units as of a date, in a few GROUP BY queries whatever the number of units. A
*derived* figure is a formula over other figures (a rate, a count per 100 residents), possibly of
other modules. Readers ask for figures by code and never learn which module computes them.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils import timezone

from cdtt.figures.grouping import in_force
from cdtt.geo.models import AdminUnit

Value = int | float | None
# units, as_of (None: now) -> {unit pk: {figure code: value}}; a unit missing means zeros.
Compute = Callable[[Sequence[AdminUnit], dt.date | None], Mapping[int, Mapping[str, Value]]]


@dataclass(frozen=True)
class Figure:
    code: str
    label: str  # lazy Vietnamese text
    unit: str  # unit of measure, lazy Vietnamese text: hộ, người, %, tổ …
    module: str = ""  # the app that declares it (set by ``declare``)


@dataclass(frozen=True)
class _Source:
    module: str
    codes: tuple[str, ...]
    compute: Compute


@dataclass(frozen=True)
class _Derived:
    needs: tuple[str, ...]
    formula: Callable[..., Value]


_figures: dict[str, Figure] = {}
_sources: list[_Source] = []
_source_of: dict[str, _Source] = {}
_derived: dict[str, _Derived] = {}


def _add(module: str, figure: Figure) -> Figure:
    if figure.code in _figures:
        raise ValueError(f"figure {figure.code!r} is declared twice")
    figure = Figure(figure.code, figure.label, figure.unit, module)
    _figures[figure.code] = figure
    return figure


def declare(*, module: str, figures: Iterable[Figure], compute: Compute) -> None:
    """Declare figures computed together by one function (one source)."""
    codes = tuple(_add(module, f).code for f in figures)
    source = _Source(module, codes, compute)
    _sources.append(source)
    for code in codes:
        _source_of[code] = source


def declare_derived(
    *, module: str, figure: Figure, needs: Sequence[str], formula: Callable[..., Value]
) -> None:
    """Declare a figure computed from others: ``formula(*values of needs)``; a need that is
    unknown (None) makes the figure unknown too."""
    _add(module, figure)
    _derived[figure.code] = _Derived(tuple(needs), formula)


def catalogue() -> list[Figure]:
    """Every declared figure, in the order of declaration."""
    return list(_figures.values())


def get(code: str) -> Figure:
    return _figures[code]


def effective_date(as_of: dt.date | None) -> dt.date | None:
    """None for now: today and later read the live roll-ups, not a day's history."""
    if as_of is None or as_of >= timezone.localdate():
        return None
    return as_of


def _closure(codes: Iterable[str]) -> list[str]:
    """The codes and, before each derived one, the codes it needs (recursively)."""
    order: list[str] = []

    def visit(code: str) -> None:
        if code in order:
            return
        if code not in _figures:
            raise KeyError(f"unknown figure {code!r}")
        for need in _derived[code].needs if code in _derived else ():
            visit(need)
        order.append(code)

    for code in codes:
        visit(code)
    return order


def figures_for(
    units: Sequence[AdminUnit], *, as_of: dt.date | None = None, codes: Iterable[str] | None = None
) -> dict[int, dict[str, Value]]:
    """The figures of each unit as of the date: each source needed runs once for all units."""
    wanted = list(codes) if codes is not None else list(_figures)
    order = _closure(wanted)
    day = effective_date(as_of)
    values: dict[int, dict[str, Value]] = {u.pk: {} for u in units}
    sources = {id(_source_of[c]): _source_of[c] for c in order if c in _source_of}
    for source in sources.values():
        computed = source.compute(list(units), day) if units else {}
        for unit in units:
            row = computed.get(unit.pk, {})
            values[unit.pk].update({c: row.get(c, 0) for c in source.codes})
    for code in order:
        if code in _derived:
            rule = _derived[code]
            for row in values.values():
                args = [row[n] for n in rule.needs]
                row[code] = None if any(a is None for a in args) else rule.formula(*args)
    return {pk: {c: row[c] for c in wanted} for pk, row in values.items()}


def figures_of(
    unit: AdminUnit, *, as_of: dt.date | None = None, codes: Iterable[str] | None = None
) -> dict[str, Value]:
    return figures_for([unit], as_of=as_of, codes=codes)[unit.pk]


def children_of(unit: AdminUnit, as_of: dt.date | None = None) -> list[AdminUnit]:
    """The unit's children in name order: current ones, or those in force on the date."""
    children = AdminUnit.objects.filter(parent=unit).order_by("name_key")
    day = effective_date(as_of)
    if day is None:
        return list(children.filter(valid_to__isnull=True))
    return list(children.filter(in_force(day)))


def children_figures(
    unit: AdminUnit, *, as_of: dt.date | None = None, codes: Iterable[str] | None = None
) -> list[tuple[AdminUnit, dict[str, Value]]]:
    """Each child of the unit with its figures: the same few queries for 3 children or 600."""
    children = children_of(unit, as_of)
    values = figures_for(children, as_of=as_of, codes=codes)
    return [(child, values[child.pk]) for child in children]
