"""Helpers for polars frames of file rows."""

import polars as pl


def key_runs(frame: pl.DataFrame, keys: list[str]) -> tuple[pl.Series, pl.Series]:
    """The runs of rows with equal ``keys``, one after another: whether each row starts a run,
    and the run (0, 1, …) of each row. A file exported village by village, household by
    household, has few runs of these: work done once a run, then spread with ``gather``,
    spares a join of every row."""
    changed = pl.any_horizontal(pl.col(k) != pl.col(k).shift(1) for k in keys).fill_null(True)
    starts = frame.select(changed.alias("start")).get_column("start")
    return starts, starts.cast(pl.UInt32).cum_sum() - 1
