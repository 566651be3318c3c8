from concurrent.futures import ThreadPoolExecutor

import polars as pl
import pytest

from cdtt.lib.frames import Judged, key_runs


def test_runs_of_equal_keys_one_after_another():
    frame = pl.DataFrame({"c": [1, 1, 1, 2, 1, 1], "v": ["a", "a", "b", "b", "b", "b"]})
    starts, runs = key_runs(frame, ["c", "v"])
    assert starts.to_list() == [True, False, True, True, True, False]
    assert runs.to_list() == [0, 0, 1, 2, 3, 3]


def test_no_rows_no_runs():
    starts, runs = key_runs(pl.DataFrame(schema={"c": pl.Int64}), ["c"])
    assert starts.to_list() == [] and runs.to_list() == []


@pytest.mark.parametrize("distinct", [3, 20])
def test_judged_values_map_back_alike_whether_few_or_many(distinct):
    """A column of a few values is mapped by comparisons, one of many by a join: the same."""
    judged = Judged(
        lambda v: (len(v), None if v.startswith("x") else f"bad {v}"),
        {"n": pl.Int64, "error": pl.String},
    )
    values = [("x" if i % 2 else "y") * (i + 1) for i in range(distinct)] + [""]
    cells = [values[(7 * i) % len(values)] for i in range(60)]
    frame = judged.join(pl.DataFrame({"raw": cells, "row": range(60)}), "raw")
    assert frame.get_column("row").to_list() == list(range(60))
    assert list(frame.select("n", "error").iter_rows()) == [
        (len(v), None if v.startswith("x") else f"bad {v}") for v in cells
    ]


def test_judged_parts_of_one_file_in_threads_at_once():
    """Parts checked in threads at once, each meeting values new to the judge: every value of
    every part is judged and mapped back, none lost to the other thread's learning."""
    judged = Judged(lambda v: (int(v) * 2, None), {"twice": pl.Int64, "error": pl.String})
    parts = [pl.DataFrame({"raw": [str(i % (50 + p)) for i in range(2_000)]}) for p in range(8)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        mapped = list(pool.map(lambda part: judged.join(part, "raw"), parts))
    for part, out in zip(parts, mapped, strict=True):
        assert out.get_column("twice").to_list() == [int(v) * 2 for v in part.get_column("raw")]
