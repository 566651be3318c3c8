import datetime as dt

from cdtt.figures.catalogue import figures_of
from cdtt.training.demo import training_demo_ensure
from cdtt.training.models import Completion, Course, Enrolment
from cdtt.training.tests.factories import person_in, team_in


def test_the_demo_trains_the_core_force_once(tree, make_user):
    team = team_in(tree.village, "Tổ CNSCĐ Yên Trung", tree)
    member = make_user("team_member", tree.commune, username="thanhvien")
    trained = person_in(team, "Đã Học", member)
    trained.memberships.update(core_force=True, joined_on=dt.date(2025, 3, 1))
    person_in(team, "Chưa Học")
    admin = make_user("province_admin", tree.province)
    assert "1 completions" in training_demo_ensure(
        actor=admin, province=tree.province, member_user=member
    )
    assert training_demo_ensure(actor=admin, province=tree.province) == "already there"
    assert Completion.objects.get().completed_on == dt.date(2025, 3, 31)
    assert figures_of(tree.commune, codes=["members_trained"]) == {"members_trained": 1}
    under_way = Course.objects.get(status="open")
    assert Enrolment.objects.filter(course=under_way, person=trained).exists()
