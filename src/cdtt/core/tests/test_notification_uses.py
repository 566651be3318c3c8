"""The notifications the platform sends today: a background job ended, a member added to a team."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from cdtt.core.jobs import file_job_run, job_create
from cdtt.core.models import Job, Notification
from cdtt.teams.services import member_add
from cdtt.teams.tests.factories import found_team, person


@pytest.mark.django_db
def test_a_finished_job_tells_its_starter(make_user, tree, django_capture_on_commit_callbacks):
    """Switching a skill off runs the full rebuild as a job; its end reaches the officer."""
    from cdtt.skills.models import Skill
    from cdtt.skills.services import skill_update

    admin = make_user("province_admin", tree.province, email="admin@example.vn")
    skill = Skill.objects.get(code="local_platform")
    with django_capture_on_commit_callbacks(execute=True):
        result = skill_update(
            actor=admin, skill=skill, name=skill.name, description="", active=not skill.active
        )
    job = result.rebuild_job
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    (n,) = Notification.objects.filter(recipient=admin)
    assert (n.title, n.kind, n.link) == (
        "Đã xong: Tính lại số liệu phổ cập",
        "job.done",
        f"/jobs/#job-{job.pk}",
    )
    assert n.body == job.message
    assert [m.to for m in mail.outbox] == [["admin@example.vn"]]


@pytest.mark.django_db
def test_a_failed_job_tells_its_starter(
    make_user, tree, tmp_path, django_capture_on_commit_callbacks
):
    officer = make_user("commune_officer", tree.commune)
    other = make_user("commune_officer", tree.sibling_commune)
    job = job_create(kind="population_import", title="Nhập tệp dan-cu.csv", actor=officer)
    upload = tmp_path / "dan-cu.csv"
    upload.write_text("x")

    def work(actor):
        raise RuntimeError("the import crashed")

    with django_capture_on_commit_callbacks(execute=True):
        file_job_run(job.pk, officer.pk, str(upload), work)
    (n,) = Notification.objects.all()
    assert (n.recipient, n.kind, n.title) == (
        officer,
        "job.failed",
        "Không thành công: Nhập tệp dan-cu.csv",
    )
    assert "dữ liệu không thay đổi" in n.body
    assert not Notification.objects.filter(recipient=other).exists()
    assert mail.outbox == []  # the officer has no e-mail address


@pytest.mark.django_db
def test_a_job_nobody_started_notifies_nobody(tree):
    from cdtt.core.jobs import job_finish

    job = job_create(kind="rollups_rebuild", title="Tính lại", actor=None)
    job_finish(job.pk, ok=True, message="xong")
    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_member_with_a_login_is_told_of_the_team(
    make_user, tree, django_capture_on_commit_callbacks
):
    officer = make_user("commune_officer", tree.commune)
    user = make_user("team_member", tree.commune, email="hoa@example.vn")
    team = found_team(tree.village, members=0)
    hoa = person("Trần Thị Hoa")
    hoa.user = user
    hoa.save()
    without_login = person("Lê Văn Nam")

    with django_capture_on_commit_callbacks(execute=True):
        member_add(actor=officer, team=team, person=hoa)
        member_add(actor=officer, team=team, person=without_login)
    (n,) = Notification.objects.all()
    assert (n.recipient, n.kind, n.link) == (user, "team.member_add", f"/teams/{team.pk}/")
    assert n.title == f"Bạn đã được thêm vào {team.name}"
    assert "Thành viên" in n.body and "Yên Trung" in n.body
    assert [m.to for m in mail.outbox] == [["hoa@example.vn"]]

    # A refused addition (already a member) tells nobody.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        member_add(actor=officer, team=team, person=hoa)
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_leader_of_a_new_team_is_told_but_not_who_adds_themselves(make_user, tree):
    from cdtt.teams.services import team_found

    officer = make_user("commune_officer", tree.commune)
    leader_user = make_user("team_leader", tree.commune, username="leader")
    leader = person("Lê Văn Tổ")
    leader.user = leader_user
    leader.save()
    team = team_found(actor=officer, unit=tree.village, leader=leader)
    assert list(Notification.objects.values_list("recipient", "link")) == [
        (leader_user.pk, f"/teams/{team.pk}/")
    ]

    me = person("Nguyễn Văn A")
    me.user = officer
    me.save()
    member_add(actor=officer, team=team, person=me)
    assert not Notification.objects.filter(recipient=officer).exists()
