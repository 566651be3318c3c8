"""Records of a CSV set aside in a temporary file and read back group by group (polars).

For a load whose rows must reach the database in an order the file does not have (a population
file shuffled by row, say): each piece of the file is cut by group as it is read, its records
kept as the text they are (a record is parsed once, when it comes back, not also when it is
set aside) with their row numbers beside them; afterwards the groups come back one after
another, a few at a time, so that memory holds about a batch, never the whole file. The file
stays in the page cache, outside the process's resident set, and is deleted when the spill is
closed. Its writes (the kernel's copy into the page cache, slow on some disks) run in a thread
of their own, beside the reading of the next piece.
"""

import queue
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class Part:
    """Records cut by group, ready to be set aside (``spill_part``): their text, their row
    numbers in the same order, and (group, records, bytes) of each group, in that order."""

    text: bytes
    numbers: np.ndarray
    sizes: list[tuple[int, int, int]]


def spill_part(records: pl.DataFrame) -> Part | None:
    """``records`` (``Spill.add``'s columns) cut by group, each group's in the order they come
    in; None when there is none. Touches no spill: pieces of a file may be cut in several
    threads at once, then put in their order."""
    if records.is_empty():
        return None
    records = records.sort("group", maintain_order=True)
    sizes = records.group_by("group", maintain_order=True).agg(
        pl.len().alias("n"), (pl.col("record").str.len_bytes() + 1).sum().alias("bytes")
    )
    # The records joined by polars and taken as bytes (no text decoded by Python): half the
    # time of writing them as a CSV.
    text = records.get_column("record").str.join("\n").cast(pl.Binary).item() + b"\n"
    numbers = records.get_column("row_no").cast(pl.Int64).to_numpy()
    return Part(text, numbers, list(sizes.iter_rows()))


class Spill:
    """Records set aside by group number (0 … ``groups`` - 1). Use as a context manager."""

    def __init__(self, groups: int):
        self.groups = groups
        self.file = tempfile.TemporaryFile(prefix="cdtt-spill-")
        # Per group, the parts added: (start of the text, its length, start of the row
        # numbers, how many records).
        self.parts: list[list[tuple[int, int, int, int]]] = [[] for _ in range(groups)]
        self.rows = [0] * groups
        self.size = 0  # of the file once every write handed over is done
        self.writes: queue.Queue = queue.Queue(maxsize=4)  # two adds: their texts and numbers
        self.failure: BaseException | None = None
        self.writer = threading.Thread(target=self._write, name="spill-write", daemon=True)
        self.writer.start()

    def __enter__(self) -> "Spill":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.close_writer()  # what failed was raised already, or matters no more
        self.file.close()

    def close_writer(self) -> None:
        if self.writer.is_alive():
            self.writes.put(None)
            self.writer.join()

    def _write(self) -> None:
        while (data := self.writes.get()) is not None:
            if self.failure is None:
                try:
                    self.file.write(data)
                except BaseException as exc:  # a full disk: raised to the caller
                    self.failure = exc

    def _written(self) -> None:
        """Wait for every write handed over; raise what failed."""
        self.close_writer()
        if self.failure is not None:
            raise self.failure

    def add(self, records: pl.DataFrame) -> None:
        """Set records aside: ``records`` has the columns ``group`` (a number), ``row_no`` and
        ``record`` (the text of a CSV record, without its line end). Each group's records keep
        the order they come in."""
        self.put(spill_part(records))

    def put(self, part: "Part | None", first_row: int = 0) -> None:
        """Set aside the records of ``part`` (``spill_part``), ``first_row`` added to their row
        numbers. Parts are set aside in the order they are put."""
        if self.failure is not None:
            raise self.failure
        if part is None:
            return
        numbers = (part.numbers + first_row if first_row else part.numbers).tobytes()
        text_start, rows_start = self.size, self.size + len(part.text)
        self.size = rows_start + len(numbers)
        self.writes.put(part.text)
        self.writes.put(numbers)
        for number, n, size in part.sizes:
            self.parts[number].append((text_start, size, rows_start, n))
            self.rows[number] += n
            text_start += size
            rows_start += n * 8

    def batches(self, rows: int, parse: Callable[[bytes], pl.DataFrame]) -> Iterator[pl.DataFrame]:
        """The records set aside, group after group in their numbers' order, each batch made of
        whole groups, as many consecutive ones as it takes to hold at least ``rows`` records (a
        group is never split between two batches): ``row_no`` then the cells ``parse`` makes
        of their text (one row a record). Each part is read once: the spill is empty after."""
        self._written()
        taken: list[int] = []
        held = 0
        for number in range(self.groups):
            if not self.parts[number]:
                continue
            taken.append(number)
            held += self.rows[number]
            if held >= rows:
                yield self._read(taken, parse)
                taken, held = [], 0
        if taken:
            yield self._read(taken, parse)

    def _read(self, groups: list[int], parse: Callable[[bytes], pl.DataFrame]) -> pl.DataFrame:
        texts, numbers = [], []
        for number in groups:
            for text_start, size, rows_start, n in self.parts[number]:
                self.file.seek(text_start)
                texts.append(self.file.read(size))
                self.file.seek(rows_start)
                numbers.append(np.frombuffer(self.file.read(n * 8), dtype=np.int64))
            self.parts[number], self.rows[number] = [], 0
        cells = parse(b"".join(texts))
        row_no = pl.Series("row_no", np.concatenate(numbers))
        if cells.height != row_no.len():  # a record read back as two, or two as one
            raise ValueError(f"{cells.height} records read back for {row_no.len()} set aside")
        return cells.insert_column(0, row_no)
