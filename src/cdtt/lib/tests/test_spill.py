import polars as pl

from cdtt.lib.spill import Spill


def test_rows_come_back_by_group_in_batches_of_whole_groups():
    frames = [
        pl.DataFrame({"g": [3, 1, 0, 1], "v": ["a", "b", "c", None], "n": [1, 2, 3, 4]}),
        pl.DataFrame({"g": [1, 3], "v": ["é", "f"], "n": [5, 6]}),
        pl.DataFrame(schema={"g": pl.Int64, "v": pl.String, "n": pl.Int64}),
    ]
    with Spill(4) as spill:
        for frame in frames:
            spill.add(frame, pl.col("g"))
        batches = list(spill.batches(3))
        assert list(spill.batches(1)) == []  # each part is read once
    # Groups 0 and 1 (1 + 3 rows), then 3 (group 2 has none); each group's rows in the order
    # they were added; the group column is the frame's own, kept.
    assert [b.to_dicts() for b in batches] == [
        [
            {"g": 0, "v": "c", "n": 3},
            {"g": 1, "v": "b", "n": 2},
            {"g": 1, "v": None, "n": 4},
            {"g": 1, "v": "é", "n": 5},
        ],
        [{"g": 3, "v": "a", "n": 1}, {"g": 3, "v": "f", "n": 6}],
    ]


def test_a_group_may_be_computed_and_a_batch_hold_one_group():
    frame = pl.DataFrame({"commune": [10, 30, 20, 10]})
    with Spill(3) as spill:
        spill.add(frame, pl.col("commune") // 10 - 1)
        assert [b.get_column("commune").to_list() for b in spill.batches(1)] == [
            [10, 10],
            [20],
            [30],
        ]
