"""Frames set aside in a temporary file and read back group by group (polars, Arrow IPC).

For a load whose rows must reach the database in an order the file does not have (a population
file shuffled by row, say): each batch is cut by group as it is read, and its parts are appended
to one temporary file; afterwards the groups come back one after another, a few at a time, so
that memory holds about a batch, never the whole file. The parts are written uncompressed (the
file stays in the page cache, outside the process's resident set) and the file is deleted when
the spill is closed.
"""

import io
import tempfile
from collections.abc import Iterator

import polars as pl


class Spill:
    """Rows set aside by group number (0 … ``groups`` - 1). Use as a context manager."""

    def __init__(self, groups: int):
        self.groups = groups
        self.file = tempfile.TemporaryFile(prefix="cdtt-spill-")
        self.parts: list[list[tuple[int, int]]] = [[] for _ in range(groups)]  # (start, length)
        self.rows = [0] * groups

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.file.close()

    def add(self, frame: pl.DataFrame, group: pl.Expr) -> None:
        """Set ``frame``'s rows aside, each under the group number ``group`` gives it."""
        if frame.is_empty():
            return
        keyed = frame.with_columns(group.cast(pl.Int64).alias("_spill_group"))
        for (number,), part in keyed.partition_by(
            "_spill_group", as_dict=True, include_key=False
        ).items():
            start = self.file.tell()
            part.write_ipc_stream(self.file)
            self.parts[number].append((start, self.file.tell() - start))
            self.rows[number] += part.height

    def batches(self, rows: int) -> Iterator[pl.DataFrame]:
        """The rows set aside, group after group in their numbers' order, each batch made of
        whole groups, as many consecutive ones as it takes to hold at least ``rows`` rows (a
        group is never split between two batches). Each part is read once: the spill is
        empty afterwards."""
        taken: list[int] = []
        held = 0
        for number in range(self.groups):
            if not self.parts[number]:
                continue
            taken.append(number)
            held += self.rows[number]
            if held >= rows:
                yield self._read(taken)
                taken, held = [], 0
        if taken:
            yield self._read(taken)

    def _read(self, groups: list[int]) -> pl.DataFrame:
        frames = []
        for number in groups:
            for start, length in self.parts[number]:
                self.file.seek(start)
                frames.append(pl.read_ipc_stream(io.BytesIO(self.file.read(length))))
            self.parts[number], self.rows[number] = [], 0
        # One chunk a column: what follows (cleaning, checks, joins) runs faster on it than on
        # the parts' many small chunks.
        return pl.concat(frames, how="vertical_relaxed", rechunk=True)
