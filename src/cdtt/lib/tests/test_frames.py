import polars as pl

from cdtt.lib.frames import key_runs


def test_runs_of_equal_keys_one_after_another():
    frame = pl.DataFrame({"c": [1, 1, 1, 2, 1, 1], "v": ["a", "a", "b", "b", "b", "b"]})
    starts, runs = key_runs(frame, ["c", "v"])
    assert starts.to_list() == [True, False, True, True, True, False]
    assert runs.to_list() == [0, 0, 1, 2, 3, 3]


def test_no_rows_no_runs():
    starts, runs = key_runs(pl.DataFrame(schema={"c": pl.Int64}), ["c"])
    assert starts.to_list() == [] and runs.to_list() == []
