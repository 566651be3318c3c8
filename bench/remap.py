"""Benchmark of the move to the 2025 map (DESIGN.md §10: a province ≤ 5 min on PostgreSQL).

Times the plan (the dry run) and the move itself on the database the settings name (the bench's
data, or the demo's), with the defaults for the divided communes' villages. The move is rolled
back at the end unless ``--keep``, so the measure can be repeated on the same data.

As a step of ``cdtt bench`` (``remap_measure``) it runs after every other step, since the move
changes the data: the plan, the move, the households, residents and visits it moved (and any
left in a closed 2024 commune), every roll-up checked against a recomputation after the move;
then the move is rolled back. Data not on the 2024 structure leaves its rows "not measured".

    python -m bench.remap [--keep]        # prints one JSON line
"""

import json
import os
import sys
import time

BUDGET_S = 300.0

# Rows the step promises, so that a step that cannot run still leaves them (bench/run.py).
PLANNED = [
    ("remap_plan", "Plan of the move of the province to the 2025 map (dry run)", "—"),
    ("remap_move", "Move of the province to the 2025 map, one transaction", "≤ 300 s"),
    ("remap_moved", "Households, residents and visits moved into 2025 communes", "0 left"),
    ("remap_rollups", "Roll-ups after the move equal a recomputation", "0"),
]

# The tables whose rows the move locates anew, and the words the results use for them.
LOCATED = (("households", "registry.Household"), ("residents", "registry.Resident"))
LOCATED += (("visits", "campaigns.Visit"),)


# What the move reports as it goes (its ``progress``), in order; the time of each is measured.
PHASES = (
    "lock and plan",
    "new communes and village moves",
    "villages and facts",
    "roll-ups rebuilt and checked",
)


def _spans(marks: list[float]) -> list[float]:
    return [round(b - a, 1) for a, b in zip(marks, marks[1:], strict=False)]


class _RolledBack(Exception):
    pass


def _left_behind() -> dict[str, int]:
    """Rows of each located table still in a 2024 commune or under a district."""
    from django.apps import apps
    from django.db.models import Q

    from cdtt.geo.models import Structure

    return {
        word: apps.get_model(label)
        .objects.filter(Q(commune__structure=Structure.Y2024) | Q(district__isnull=False))
        .count()
        for word, label in LOCATED
    }


def _differences() -> tuple[dict[str, int], float]:
    """Differences of every registered roll-up against its recomputation, and the time."""
    from cdtt.core.rollups import checkers

    started = time.perf_counter()
    found = {checker.name: len(list(checker.check())) for checker in checkers()}
    return found, time.perf_counter() - started


def measure(*, keep: bool = False, province_code: str | None = None) -> dict:
    """The plan and the move timed, what moved, the roll-ups after it; rolled back unless
    ``keep``."""
    from django.db import transaction

    from cdtt.geo.remap import province_to_move, remap_plan, remap_run
    from cdtt.registry.models import Household

    province = province_to_move(province_code)
    started = time.perf_counter()
    plan = remap_plan(province=province)
    plan_s = time.perf_counter() - started
    out = {
        "households": Household.objects.count(),
        "villages": plan.villages_to_move,
        "plan_s": round(plan_s, 3),
        "plan": {k: v for k, v in plan.as_json().items() if k != "communes"},
    }
    marks: list[float] = []
    try:
        with transaction.atomic():
            started = time.perf_counter()
            marks.append(started)
            result = remap_run(
                actor=None,
                province=province,
                accept_defaults=True,
                progress=lambda _step: marks.append(time.perf_counter()),
            )
            marks.append(time.perf_counter())
            out["move_s"] = round(marks[-1] - marks[0], 3)
            out["phases_s"] = dict(zip(PHASES, _spans(marks), strict=False))
            out["moved"] = result.done
            out["rows"] = {k: v for k, v in result.rows.items() if v}
            out["budget_s"] = BUDGET_S
            out["left_behind"] = _left_behind()
            out["rollups"], seconds = _differences()
            out["rollups_check_s"] = round(seconds, 1)
            if not keep:
                raise _RolledBack
    except _RolledBack:
        out["rolled_back"] = True
    return out


def remap_measure(run) -> None:
    """``run`` is the BenchRun: its province and measures."""
    from bench.common import Measure, NotMeasured
    from cdtt.geo.models import Structure

    run.province.refresh_from_db()
    if run.province.structure != Structure.Y2024:
        raise NotMeasured(
            f"the bench's data is on the {run.province.structure} structure, not 2024: "
            "nothing to move"
        )
    got = measure(province_code=run.province.code)
    run.info["remap"] = got
    if "move_s" not in got:
        raise RuntimeError(f"the move did not run: {got}")
    plan = got["plan"]
    run.add(
        Measure(
            "remap_plan",
            "Plan of the move of the province to the 2025 map (dry run)",
            round(got["plan_s"], 2),
            "s",
            reference=f"{plan['new_communes']} new communes from {plan['merged']} merged and "
            f"{plan['divided']} divided; {plan['villages_to_move']:,} villages, "
            f"{plan['households']:,} households, {plan['residents']:,} residents, "
            f"{plan['visits']:,} visits to move",
            budget="—",
        )
    )
    rows = got["rows"]
    moved = {word: rows.get(label, 0) for word, label in LOCATED}
    run.add(
        Measure(
            "remap_move",
            "Move of the province to the 2025 map, one transaction (defaults for the divided "
            "communes' villages; rolled back afterwards)",
            round(got["move_s"], 1),
            "s",
            reference=f"{rows.get('villages', 0):,} villages re-parented; "
            + "; ".join(f"{what} {s} s" for what, s in got["phases_s"].items()),
            budget="≤ 300 s",
            passed=got["move_s"] <= BUDGET_S,
            details={"phases_s": got["phases_s"], "rows": rows},
        )
    )
    left = got["left_behind"]
    run.add(
        Measure(
            "remap_moved",
            "Households, residents and visits moved into 2025 communes (rows left in a closed "
            "2024 commune or under a district)",
            sum(left.values()),
            "rows left",
            reference=", ".join(f"{n:,} {word} moved" for word, n in moved.items()),
            budget="0 left",
            passed=not any(left.values()),
            details={"moved": moved, "left_behind": left},
        )
    )
    differences = got["rollups"]
    run.add(
        Measure(
            "remap_rollups",
            "Roll-ups after the move equal a recomputation",
            sum(differences.values()),
            "differences",
            reference=f"checkers {', '.join(differences)}: {got['rollups_check_s']} s",
            budget="0",
            passed=not any(differences.values()),
            details=differences,
        )
    )


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdtt.settings")
    import django

    django.setup()
    print(json.dumps(measure(keep="--keep" in sys.argv[1:])))


if __name__ == "__main__":
    main()
