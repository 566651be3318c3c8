"""The synthetic population generator: deterministic, in the contract's format, plausible."""

import csv
import datetime as dt

from cdtt.registry.synthetic import (
    HEADERS,
    HIGHLAND,
    RURAL,
    URBAN,
    CommuneSpec,
    commune_kind,
    population_write,
)

AS_OF = dt.date(2024, 10, 1)
SPECS = [CommuneSpec("14755", URBAN), CommuneSpec("14800", RURAL), CommuneSpec("15000", HIGHLAND)]


def _write(tmp_path, name, specs=SPECS, **kw):
    path = tmp_path / name
    summary = population_write(path, specs, seed=7, households_per_commune=60, as_of=AS_OF, **kw)
    return path, summary


def test_it_writes_the_contract_headers(tmp_path):
    path, _ = _write(tmp_path, "a.csv")
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == [
        "Mã xã",
        "Thôn",
        "Mã hộ",
        "Địa chỉ",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Quan hệ với chủ hộ",
        "Số điện thoại",
        "Dịch vụ công trực tuyến",
        "Mua sắm trực tuyến",
        "Thanh toán trực tuyến",
        "An toàn trên không gian mạng",
        "Nền tảng số khác",
    ]
    assert header == HEADERS


def test_it_is_deterministic(tmp_path):
    a, sa = _write(tmp_path, "a.csv")
    b, sb = _write(tmp_path, "b.csv")
    assert a.read_bytes() == b.read_bytes()
    assert sa == sb
    c = tmp_path / "c.csv"
    population_write(c, SPECS, seed=8, households_per_commune=60, as_of=AS_OF)
    assert c.read_bytes() != a.read_bytes()


def test_a_commune_reads_the_same_alone_or_with_others(tmp_path):
    whole, _ = _write(tmp_path, "all.csv")
    alone, _ = _write(tmp_path, "one.csv", specs=SPECS[1:2])
    lines = whole.read_text(encoding="utf-8").splitlines()
    rows_whole = [r for r in lines if r.startswith("14800,")]
    rows_alone = alone.read_text(encoding="utf-8").splitlines()[1:]
    assert rows_whole == rows_alone


def test_rows_are_plausible(tmp_path):
    path, summary = _write(tmp_path, "a.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == summary.residents
    households = {(r["Mã xã"], r["Mã hộ"]) for r in rows}
    assert len(households) == summary.households
    assert 2.8 < summary.residents / summary.households < 4.6
    keys = [(r["Mã xã"], r["Mã hộ"], r["Họ và tên"], r["Ngày sinh"]) for r in rows]
    assert len(set(keys)) == len(keys)  # the natural key is unique
    heads = [r for r in rows if r["Quan hệ với chủ hộ"] == "Chủ hộ"]
    assert len(heads) == summary.households
    assert {r["Giới tính"] for r in rows} == {"Nam", "Nữ"}
    relations = {r["Quan hệ với chủ hộ"] for r in rows}
    assert relations <= {"Chủ hộ", "Vợ", "Chồng", "Con", "Bố", "Mẹ", "Cháu"}
    phones = [r["Số điện thoại"] for r in rows if r["Số điện thoại"]]
    assert phones and all(p.startswith("0") and len(p) == 10 and p.isdigit() for p in phones)
    levels = {r[h] for r in rows for h in HEADERS[9:]}
    assert levels <= {"", "Thành thạo", "Cơ bản", "Chưa biết"}
    for r in rows:
        birth = r["Ngày sinh"]
        year = int(birth[-4:])
        assert 1900 < year <= AS_OF.year
        if len(birth) == 10:
            dt.datetime.strptime(birth, "%d/%m/%Y")
    villages_of = {}
    for r in rows:
        villages_of.setdefault(r["Mã xã"], set()).add(r["Thôn"])
    assert all(v.startswith(("Tổ dân phố", "Khu phố")) for v in villages_of["14755"])
    assert all(v.startswith("Bản ") for v in villages_of["15000"])
    assert 0 < summary.coverage < 1


def test_commune_kind():
    assert commune_kind("Phường", "380") == URBAN
    assert commune_kind("Xã", "384") == HIGHLAND
    assert commune_kind("Xã", "406") == RURAL
