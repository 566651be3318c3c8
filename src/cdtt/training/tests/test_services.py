import datetime as dt

import pytest
from django.utils import timezone

from cdtt.training import services
from cdtt.training.models import Completion, Course, Enrolment
from cdtt.training.tests.factories import Training


@pytest.fixture
def t(tree, make_user):
    return Training(tree, make_user)


def test_topics_are_seeded_with_the_five_skills_and_four_more(db):
    from cdtt.training.models import Topic

    codes = set(Topic.objects.values_list("code", flat=True))
    assert {"public_services", "shopping", "payment", "safety", "local_platform"} <= codes
    assert {"information_security", "guiding_residents", "policy", "platform"} <= codes


def test_invite_by_unit_invites_the_eligible_members_once(t):
    assert services.invite(actor=t.officer, course=t.course, units=[t.tree.village]) == 2
    assert services.invite(actor=t.officer, course=t.course, units=[t.tree.village]) == 0
    invited = set(Enrolment.objects.values_list("person_id", flat=True))
    assert invited == {t.person.pk, t.colleague.pk}


def test_invite_outside_the_course_unit_invites_nobody(t):
    # The sibling commune's team is outside the commune course.
    assert services.invite(actor=t.officer, course=t.course, teams=[t.sibling_team]) == 0


def test_a_sibling_officer_cannot_manage_the_course(t):
    with pytest.raises(services.Refused) as exc:
        services.invite(actor=t.sibling_officer, course=t.course, units=[t.tree.village])
    assert exc.value.status == 403


def test_capacity_refuses_an_invitation_over_it(t):
    Course.objects.filter(pk=t.course.pk).update(capacity=1)
    t.course.refresh_from_db()
    with pytest.raises(services.Refused) as exc:
        services.invite(actor=t.officer, course=t.course, teams=[t.team])
    assert exc.value.status == 409
    assert not Enrolment.objects.exists()


def test_enrol_refuses_a_member_outside_who_may_enrol(t):
    with pytest.raises(services.Refused) as exc:
        services.enrol(actor=t.sibling_user, course=t.course, person=t.sibling_person)
    assert exc.value.status == 403


def test_enrol_accepts_an_invitation(t):
    services.invite(actor=t.officer, course=t.course, teams=[t.team])
    enrolment = services.enrol(actor=t.user, course=t.course, person=t.person)
    assert enrolment.status == "enrolled"


def test_test_is_scored_and_completion_needs_attendance_and_a_pass(t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    attempt = services.test_submit(
        actor=t.user, course=t.course, person=t.person, answers=t.right_answers()
    )
    assert (attempt.score, attempt.passed) == (100, True)
    assert not Completion.objects.exists()  # not attended yet
    services.attendance_set(actor=t.officer, session=t.session, person=t.person, present=True)
    completion = Completion.objects.get()
    assert completion.person == t.person and completion.attendance_rate == 100
    assert len(completion.code) == 9


def test_a_multiple_choice_question_needs_every_right_choice(t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    answers = {str(t.q1.pk): [t.q1_yes.pk], str(t.q2.pk): [t.q2_a.pk]}
    attempt = services.test_submit(actor=t.user, course=t.course, person=t.person, answers=answers)
    assert (attempt.score, attempt.passed) == (0, False)


def test_a_test_submitted_after_the_deadline_is_refused(t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    Course.objects.filter(pk=t.course.pk).update(
        test_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    t.course.refresh_from_db()
    with pytest.raises(services.Refused) as exc:
        services.test_submit(
            actor=t.user, course=t.course, person=t.person, answers=t.right_answers()
        )
    assert exc.value.status == 409
    assert "quá hạn" in exc.value.detail


def test_a_test_by_someone_not_enrolled_is_refused(t):
    with pytest.raises(services.Refused):
        services.test_submit(
            actor=t.user, course=t.course, person=t.person, answers=t.right_answers()
        )


def _complete(t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    services.attendance_set(actor=t.officer, session=t.session, person=t.person, present=True)
    services.test_submit(actor=t.user, course=t.course, person=t.person, answers=t.right_answers())
    return Completion.objects.get()


def test_a_course_with_completions_cannot_be_deleted_but_can_be_closed(t):
    _complete(t)
    with pytest.raises(services.Refused) as exc:
        services.course_delete(actor=t.officer, course=t.course)
    assert exc.value.status == 409
    assert Course.objects.filter(pk=t.course.pk).exists()
    services.course_close(actor=t.officer, course=t.course)
    t.course.refresh_from_db()
    assert t.course.status == "closed"


def test_a_course_without_completions_can_be_deleted(t):
    services.enrol(actor=t.user, course=t.course, person=t.person)
    services.attendance_set(actor=t.officer, session=t.session, person=t.person, present=True)
    services.course_delete(actor=t.officer, course=t.course)
    assert not Course.objects.exists()


def test_revoking_needs_a_reason_and_is_kept(t):
    completion = _complete(t)
    with pytest.raises(services.Refused):
        services.completion_revoke(actor=t.officer, completion=completion, reason="  ")
    services.completion_revoke(actor=t.officer, completion=completion, reason="Cấp nhầm")
    completion.refresh_from_db()
    assert completion.revoked_at is not None and not completion.valid


def test_completion_notifies_the_member(t):
    from cdtt.core.models import Notification

    completion = _complete(t)
    note = Notification.objects.get(recipient=t.user, kind="training.completed")
    assert completion.code in note.body
