"""Benchmark of the move to the 2025 map (DESIGN.md §10: a province ≤ 5 min on PostgreSQL).

Times the plan (the dry run) and the move itself on the database the settings name (the bench's
data, or the demo's), with the defaults for the divided communes' villages. The move is rolled
back at the end unless ``--keep``, so the measure can be repeated on the same data.

    python -m bench.remap [--keep]        # prints one JSON line; bench/run.py may call measure()
"""

import json
import os
import sys
import time

BUDGET_S = 300.0


class _RolledBack(Exception):
    pass


def measure(*, keep: bool = False) -> dict:
    from django.db import transaction

    from cdtt.geo.remap import province_to_move, remap_plan, remap_run
    from cdtt.registry.models import Household

    province = province_to_move()
    started = time.perf_counter()
    plan = remap_plan(province=province)
    plan_s = time.perf_counter() - started
    out = {
        "households": Household.objects.count(),
        "villages": plan.villages_to_move,
        "plan_s": round(plan_s, 3),
    }
    try:
        with transaction.atomic():
            started = time.perf_counter()
            result = remap_run(actor=None, province=province, accept_defaults=True)
            out["move_s"] = round(time.perf_counter() - started, 3)
            out["moved"] = result.done
            out["budget_s"] = BUDGET_S
            if not keep:
                raise _RolledBack
    except _RolledBack:
        out["rolled_back"] = True
    return out


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cdtt.settings")
    import django

    django.setup()
    print(json.dumps(measure(keep="--keep" in sys.argv[1:])))


if __name__ == "__main__":
    main()
