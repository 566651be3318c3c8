"""The honours rules, through the services: the chain, its history and deadlines, the decision,
the awards on the record, and each bad input of the issue."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cdtt.core.errors import Conflict, NotFound, Refused
from cdtt.core.evidence import Subject, evidence_of
from cdtt.honours import services
from cdtt.honours.models import Action, NominationStatus, Review

from .factories import carry, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree, make_user):
    return make_world(tree, make_user)


def _nominate(w, actor=None, **extra):
    fields = {"subject_kind": "person", "subject_id": w.person.pk, "citation": "Hướng dẫn 300 hộ."}
    fields.update(extra)
    return services.nomination_file(actor=actor or w.commune, round=w.round, **fields)


def test_a_commune_nomination_goes_through_every_step_to_an_award(w):
    nomination = _nominate(w)
    assert nomination.steps == ["commune", "district", "department", "home_affairs", "chairman"]
    assert nomination.step == "commune" and nomination.status == NominationStatus.IN_REVIEW
    carry(w, nomination)
    assert nomination.status == NominationStatus.PASSED
    decision = services.decision_issue(
        actor=w.admin,
        round=w.round,
        number="1234/QĐ-UBND",
        signed_on=timezone.localdate(),
        signer="Đỗ Minh Tuấn",
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.AWARDED
    assert decision.awards.get().nomination == nomination
    actions = list(nomination.reviews.values_list("step", "action"))
    assert actions[0] == ("commune", Action.SUBMIT)
    assert [a for _s, a in actions[1:]] == [Action.APPROVE] * 5
    # The award is on the person's record, which the member page reads.
    lines = evidence_of(Subject("person", w.person.pk))
    assert any(line.code == "honours_award" and "1234/QĐ-UBND" in line.value for line in lines)


def test_an_agency_nomination_starts_at_the_department(w):
    nomination = _nominate(w, actor=w.admin, subject_kind="team", subject_id=w.team.pk)
    assert nomination.steps == ["department", "home_affairs", "chairman"]


def test_only_the_officer_of_the_step_acts(w):
    nomination = _nominate(w)
    for actor in (w.sibling, w.district, w.admin, w.chairman):
        with pytest.raises(Refused):
            services.nomination_review(actor=actor, nomination=nomination, action="approve")
    assert not Review.objects.filter(action=Action.APPROVE).exists()


def test_a_return_needs_a_comment_and_the_resubmission_comes_back_to_the_step(w):
    nomination = _nominate(w)
    services.nomination_review(actor=w.commune, nomination=nomination, action="approve")
    with pytest.raises(ValidationError):
        services.nomination_review(actor=w.district, nomination=nomination, action="return")
    services.nomination_review(
        actor=w.district, nomination=nomination, action="return", comment="Bổ sung số liệu."
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.RETURNED and nomination.step == "district"
    with pytest.raises(Conflict):
        services.nomination_review(actor=w.district, nomination=nomination, action="approve")
    services.nomination_resubmit(actor=w.commune, nomination=nomination, citation="Đã bổ sung.")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.IN_REVIEW and nomination.step == "district"
    assert nomination.reviews.count() == 4  # submit, approve, return, resubmit: all kept


def test_a_rejection_ends_the_nomination(w):
    nomination = _nominate(w)
    services.nomination_review(
        actor=w.commune, nomination=nomination, action="reject", comment="Chưa đủ tiêu chí."
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.REJECTED


def test_a_nomination_after_the_steps_deadline_is_refused(w):
    late = timezone.localdate() + dt.timedelta(days=11)
    with pytest.raises(ValidationError) as exc:
        _nominate(w, today=late)
    assert "quá hạn" in str(exc.value)
    assert not w.round.nominations.exists()


def test_one_person_nominated_twice_in_a_round_is_refused(w):
    _nominate(w)
    with pytest.raises(Conflict):
        _nominate(w, actor=w.admin)
    assert w.round.nominations.count() == 1


def test_a_nominee_outside_the_nominators_scope_is_refused(w):
    with pytest.raises(NotFound):
        _nominate(w, actor=w.sibling)
    with pytest.raises(NotFound):
        _nominate(w, subject_kind="team", subject_id=w.other_team.pk)
    assert not w.round.nominations.exists()


def test_a_decision_for_a_nomination_that_did_not_pass_every_step_is_refused(w):
    passed = carry(w, _nominate(w))
    halfway = _nominate(w, subject_kind="team", subject_id=w.team.pk)
    services.nomination_review(actor=w.commune, nomination=halfway, action="approve")
    with pytest.raises(ValidationError) as exc:
        services.decision_issue(
            actor=w.admin,
            round=w.round,
            number="5/QĐ-UBND",
            signed_on=timezone.localdate(),
            signer="Đỗ Minh Tuấn",
            nominations=[passed, halfway],
        )
    assert w.team.name in str(exc.value)
    assert not w.round.nominations.filter(status=NominationStatus.AWARDED).exists()


def test_an_overdue_step_is_flagged_and_the_late_action_is_marked(w):
    from cdtt.honours.selectors import is_overdue

    nomination = _nominate(w)
    late = w.round.commune_deadline + dt.timedelta(days=1)
    assert is_overdue(nomination, late) and not is_overdue(nomination, timezone.localdate())
    review = services.nomination_review(
        actor=w.commune, nomination=nomination, action="approve", today=late
    )
    assert review.overdue


def test_the_department_forwards_no_more_than_the_quota(w):
    w.round.quota_collectives = 1
    w.round.save()
    first = _nominate(w, actor=w.admin, subject_kind="team", subject_id=w.team.pk)
    second = _nominate(w, actor=w.admin, subject_kind="team", subject_id=w.other_team.pk)
    services.nomination_review(actor=w.admin, nomination=first, action="approve")
    with pytest.raises(Conflict):
        services.nomination_review(actor=w.admin, nomination=second, action="approve")


def test_a_round_needs_deadlines_in_order(w, tree):
    from cdtt.honours.services import round_open

    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        round_open(
            actor=w.admin,
            year=today.year,
            kind="national",
            title="Đợt 2",
            criteria="Tiêu chí",
            home_affairs=w.home_affairs,
            unit=tree.province,
            commune_deadline=today,
            district_deadline=today - dt.timedelta(days=1),
            department_deadline=today,
            home_affairs_deadline=today,
            chairman_deadline=None,
        )
    assert set(exc.value.message_dict) == {"district_deadline", "chairman_deadline"}
    with pytest.raises(Refused):
        round_open(
            actor=w.commune,
            year=2026,
            kind="national",
            title="x",
            criteria="y",
            home_affairs=w.home_affairs,
            unit=tree.province,
        )


def test_a_dossier_that_is_not_a_pdf_is_refused_and_nothing_is_saved(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("ho-so.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError) as exc:
        _nominate(w, document=fake)
    assert "document" in exc.value.message_dict
    assert not w.round.nominations.exists()
    good = SimpleUploadedFile("ho-so.pdf", b"%PDF-1.4\n%%EOF\n")
    assert _nominate(w, document=good).document
