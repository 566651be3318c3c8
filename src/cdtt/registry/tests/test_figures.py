"""The registry's figures: now from the live counters, as of a past date from the snapshots."""

import datetime as dt

import pytest
from django.utils import timezone

from cdtt.figures.catalogue import children_figures, figures_of
from cdtt.registry.imports import population_import
from cdtt.registry.models import CoverageSnapshot
from cdtt.registry.rollups import snapshot_take

ROWS = """Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,Nền tảng số khác
16000,Yên Trung,HK01,Nguyễn Văn An,05/03/1985,2,2,2,2,2
16000,Yên Trung,HK01,Lê Thị Bình,1987,2,0,,,
16000,Phú Lộc,HK02,Trần Văn Cường,1960,,,,,
16001,Đông,HK01,Phạm Thị Dung,1990,2,2,2,2,2
"""
CODES = ["households", "covered", "rate", "residents", "proficient", "proficient_public_services"]


@pytest.fixture
def population(tree):
    result = population_import(actor=None, data=ROWS.encode())
    assert result.ok, result.errors
    return tree


def test_now_sums_the_live_counters_at_every_level(population):
    district = figures_of(population.district, codes=CODES)
    assert district == {
        "households": 3,
        "covered": 2,
        "rate": 2 / 3,
        "residents": 4,
        "proficient": 2,
        "proficient_public_services": 3,
    }
    village = figures_of(population.village2, codes=CODES)
    assert (village["households"], village["covered"], village["rate"]) == (1, 0, 0.0)
    assert figures_of(population.far_commune, codes=["households", "rate"]) == {
        "households": 0,
        "rate": 0.0,
    }


def test_children_read_in_one_pass_and_empty_children_show_zeros(population):
    rows = {c.code: f for c, f in children_figures(population.province, codes=CODES)}
    assert rows["400"]["households"] == 3 and rows["400"]["proficient_public_services"] == 3
    assert rows["401"] == dict.fromkeys(CODES, 0) | {"rate": 0.0}


def test_as_of_a_past_date_reads_the_latest_snapshot_on_or_before_it(population):
    today = timezone.localdate()
    snapshot_take(today - dt.timedelta(days=10))
    # Later the commune gains a household; the past does not move.
    more = ROWS.splitlines()[0] + "\n16000,Phú Lộc,HK03,Đỗ Văn Em,1999,2,2,2,2,2\n"
    assert population_import(actor=None, data=more.encode()).ok
    assert figures_of(population.commune, codes=["households", "covered"]) == {
        "households": 3,
        "covered": 2,
    }
    past = figures_of(population.commune, as_of=today - dt.timedelta(days=3), codes=CODES)
    assert past == {
        "households": 2,
        "covered": 1,
        "rate": 0.5,
        "residents": 3,
        "proficient": 1,
        "proficient_public_services": 2,
    }


def test_before_the_first_snapshot_the_figures_are_unknown(population):
    today = timezone.localdate()
    snapshot_take(today - dt.timedelta(days=10))
    early = figures_of(population.commune, as_of=today - dt.timedelta(days=11), codes=CODES)
    assert early == dict.fromkeys(CODES)


def test_an_older_snapshot_without_residents_leaves_them_unknown(population):
    day = timezone.localdate() - dt.timedelta(days=2)
    snapshot_take(day)
    CoverageSnapshot.objects.filter(day=day).update(residents=None, proficient=None)
    past = figures_of(population.commune, as_of=day, codes=["households", "residents"])
    assert past == {"households": 2, "residents": None}


def test_today_and_later_read_the_live_counters(population):
    snapshot_take(timezone.localdate() - dt.timedelta(days=1))
    CoverageSnapshot.objects.update(households=99)
    today = figures_of(population.commune, as_of=timezone.localdate(), codes=["households"])
    assert today == {"households": 2}
