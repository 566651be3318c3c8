import polars as pl
import pytest

from cdtt.lib.spill import Spill, spill_part
from cdtt.lib.tabular import csv_cells


def _records(groups, rows, texts) -> pl.DataFrame:
    return pl.DataFrame(
        {"group": groups, "row_no": rows, "record": texts},
        schema={"group": pl.Int64, "row_no": pl.Int64, "record": pl.String},
    )


def _parse(text: bytes) -> pl.DataFrame:
    return csv_cells(text, ncols=2)


def test_records_come_back_by_group_in_batches_of_whole_groups_with_their_row_numbers():
    with Spill(4) as spill:
        spill.add(_records([3, 1, 0, 1], [2, 3, 4, 5], ["a,1", "b,2", "c,3", ",4"]))
        spill.add(_records([1, 3], [7, 8], ['"é, và ""ê""",5', "f,6"]))
        spill.add(_records([], [], []))
        batches = list(spill.batches(3, _parse))
        assert list(spill.batches(1, _parse)) == []  # each part is read once
    # Groups 0 and 1 (1 + 3 records), then 3 (group 2 has none); each group's records in the
    # order they were added, parsed, their row numbers first.
    assert [b.rows() for b in batches] == [
        [(4, "c", "3"), (3, "b", "2"), (5, "", "4"), (7, 'é, và "ê"', "5")],
        [(2, "a", "1"), (8, "f", "6")],
    ]
    assert batches[0].columns == ["row_no", "c0", "c1"]


def test_a_record_with_a_line_break_comes_back_whole_and_a_batch_may_hold_one_group():
    with Spill(3) as spill:
        spill.add(_records([0, 2, 1, 0], [2, 3, 4, 6], ['"x\ny",1', "z,2", "w,3", "v,4"]))
        batches = [b.rows() for b in spill.batches(1, _parse)]
    assert batches == [[(2, "x\ny", "1"), (6, "v", "4")], [(4, "w", "3")], [(3, "z", "2")]]


def test_records_read_back_as_more_or_fewer_are_refused():
    with Spill(1) as spill:
        spill.add(_records([0], [2], ["a\nb,1"]))  # two records, not one
        with pytest.raises(ValueError):
            list(spill.batches(1, _parse))


def test_parts_cut_apart_are_set_aside_in_the_order_they_are_put_with_their_first_row():
    first = spill_part(_records([1, 0, 1], [0, 1, 2], ["a,1", "b,2", "c,3"]))
    second = spill_part(_records([0, 1], [0, 1], ["d,4", "e,5"]))
    assert spill_part(_records([], [], [])) is None
    with Spill(2) as spill:
        spill.put(first, first_row=2)
        spill.put(None, first_row=5)
        spill.put(second, first_row=5)
        batches = [b.rows() for b in spill.batches(1, _parse)]
    assert batches == [
        [(3, "b", "2"), (5, "d", "4")],
        [(2, "a", "1"), (4, "c", "3"), (6, "e", "5")],
    ]
