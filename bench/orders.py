"""Child process of ``cdtt bench``: write the population file in the other orders the import is
measured in (shuffled by row; sorted by resident name), each with its village cells in several
spellings that fold to the same village, and print the spellings counted, as JSON.

    python bench/orders.py SOURCE shuffled=PATH by_name=PATH
"""

import json
import sys
import unicodedata

import polars as pl


def fold(value: str) -> str:
    text = unicodedata.normalize("NFD", " ".join(value.split()).lower())
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn").replace("đ", "d")


def spellings(column: str) -> pl.Expr:
    """The village cell in one of six spellings, chosen by row: as written (NFC), decomposed
    (NFD), lower case, upper case, decomposed lower case, with doubled spaces."""
    cell = pl.col(column)
    pick = pl.int_range(pl.len()).hash(7) % 6
    return (
        pl.when(pick == 1)
        .then(cell.str.normalize("NFD"))
        .when(pick == 2)
        .then(cell.str.to_lowercase())
        .when(pick == 3)
        .then(cell.str.to_uppercase())
        .when(pick == 4)
        .then(cell.str.to_lowercase().str.normalize("NFD"))
        .when(pick == 5)
        .then(cell.str.replace_all(" ", "  ", literal=True))
        .otherwise(cell)
        .alias(column)
    )


def main(source: str, targets: list[str]) -> None:
    frame = pl.read_csv(source, infer_schema=False)
    counts = {}
    for target in targets:
        order, path = target.split("=", 1)
        varied = frame.with_columns(spellings("Thôn"))
        if order == "shuffled":
            varied = varied.sample(fraction=1.0, shuffle=True, seed=20241001)
        elif order == "by_name":
            varied = varied.sort("Họ và tên", "Mã xã", "Mã hộ", maintain_order=True)
        else:
            raise SystemExit(f"unknown order {order}")
        varied.write_csv(path)
        pairs = varied.select("Mã xã", "Thôn").unique()
        folded = pairs.select("Mã xã", pl.col("Thôn").map_elements(fold, return_dtype=pl.String))
        counts[order] = {"spellings": pairs.height, "villages": folded.unique().height}
        del varied
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
