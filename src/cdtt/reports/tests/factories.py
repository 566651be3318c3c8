"""The data of the report tests: households with a coverage snapshot a month ago, a team founded
before the cut-off and one founded after it, members trained before and after."""

import datetime as dt

from django.utils import timezone

from cdtt.registry.imports import population_import
from cdtt.registry.rollups import snapshot_take
from cdtt.teams.models import Membership, Person, Team

ROWS = """Mã xã,Thôn,Mã hộ,Họ và tên,Ngày sinh,Dịch vụ công trực tuyến,Mua sắm trực tuyến,Thanh toán trực tuyến,An toàn trên không gian mạng,Nền tảng số khác
16000,Yên Trung,HK01,Nguyễn Văn An,05/03/1985,2,2,2,2,2
16000,Phú Lộc,HK02,Trần Văn Cường,1960,,,,,
16000,Phú Lộc,HK03,Trần Văn Dũng,1962,,,,,
"""


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def team(tree, village, name: str, founded: dt.date) -> Team:
    t = Team.objects.create(
        name=name,
        name_key=name.lower(),
        level="village",
        unit=village,
        commune=village.parent,
        district=village.parent.parent,
        province=tree.province,
        path=village.path,
        decision_date=founded,
    )
    t.villages.add(village)
    return t


def member(t: Team, name: str, joined: dt.date, trained: dt.date | None = None, core=False):
    """A member; ``trained``: the day they completed a training course (a certificate)."""
    from cdtt.training.tests.factories import completed

    person = Person.objects.create(full_name=name, name_key=name.lower())
    if trained is not None:
        completed(person, trained, t.province)
    return Membership.objects.create(team=t, person=person, joined_on=joined, core_force=core)


class Data:
    """Cut-off: 20 days ago. Before it: 3 households (1 covered) snapshotted 30 days ago, one
    team of two members (one trained, one core). After it: a second team and member."""

    def __init__(self, tree):
        self.tree = tree
        assert population_import(actor=None, data=ROWS.encode()).ok
        snapshot_take(days_ago(30))
        self.cutoff = days_ago(20)
        self.period_from, self.period_to = days_ago(45), days_ago(20)
        first = team(tree, tree.village, "Tổ CNSCĐ Yên Trung", days_ago(40))
        member(first, "Lê Văn Bình", days_ago(40), trained=days_ago(35), core=True)
        member(first, "Lê Thị Cúc", days_ago(25))
        later = team(tree, tree.sibling_village, "Tổ CNSCĐ Đông", days_ago(5))
        member(later, "Phạm Văn Đức", days_ago(5), trained=days_ago(2))
        member(first, "Hoàng Văn Em", days_ago(3), trained=days_ago(3))
