"""Helpers for polars frames of file rows."""

import threading
from collections.abc import Callable

import polars as pl


def key_runs(frame: pl.DataFrame, keys: list[str]) -> tuple[pl.Series, pl.Series]:
    """The runs of rows with equal ``keys``, one after another: whether each row starts a run,
    and the run (0, 1, …) of each row. A file exported village by village, household by
    household, has few runs of these: work done once a run, then spread with ``gather``,
    spares a join of every row."""
    changed = pl.any_horizontal(pl.col(k) != pl.col(k).shift(1) for k in keys).fill_null(True)
    starts = frame.select(changed.alias("start")).get_column("start")
    return starts, starts.cast(pl.UInt32).cum_sum() - 1


class Judged:
    """Distinct values of a column judged once in Python (``judge(value) -> (outputs…, error
    or None)``, the outputs named and typed by ``schema``), remembered across batches, mapped
    back: a column of a handful of values (levels, genders) by comparing with each, others by
    a join. Shared by the imports that check a file column by column; parts of one file may be
    checked in several threads at once (what is learnt is shared under a lock)."""

    FEW = 8

    def __init__(self, judge: Callable[[str], tuple], schema: dict):
        self.judge, self.schema = judge, schema
        self.seen: dict[str, tuple] = {}
        self.table = pl.DataFrame(schema={"value": pl.String, **schema})
        self.lock = threading.Lock()

    def join(self, frame: pl.DataFrame, column: str) -> pl.DataFrame:
        values = frame.get_column(column).unique().to_list()
        with self.lock:
            table = self._learnt(values)
        if len(values) <= self.FEW and None not in values:
            return frame.with_columns(
                self._compared(pl.col(column), values, i, name, dtype)
                for i, (name, dtype) in enumerate(self.schema.items())
            )
        return frame.join(
            table.rename({"value": column}), on=column, how="left", maintain_order="left"
        )

    def _learnt(self, values: list[str]) -> pl.DataFrame:
        """The table of every value judged so far, ``values`` judged first when new."""
        new = [v for v in values if v not in self.seen]
        if new:
            judged = [self.judge(v) for v in new]
            self.seen.update(zip(new, judged, strict=True))
            rows = {k: [j[i] for j in judged] for i, k in enumerate(self.schema)}
            self.table = pl.concat(
                [self.table, pl.DataFrame({"value": new, **rows}, schema=self.table.schema)]
            )
        return self.table

    def _compared(self, cell: pl.Expr, values: list[str], i: int, name: str, dtype) -> pl.Expr:
        """Output ``name`` (the judgement's ``i``-th part) of a column of these few values."""
        mapped = pl.lit(None, dtype)
        for value in values:
            mapped = (
                pl.when(cell == value).then(pl.lit(self.seen[value][i], dtype)).otherwise(mapped)
            )
        return mapped.alias(name)
