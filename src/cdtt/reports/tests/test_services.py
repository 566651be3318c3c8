"""Drafting, issuing and sending reports: the bad input of the issue (a cut-off in the future or
before the period, a letterhead missing its number or signer), the frozen snapshot that issuing
again reproduces, the log of sendings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cdtt.audit.models import AuditEntry
from cdtt.core.errors import Conflict
from cdtt.documents.services import letterhead_create
from cdtt.reports.models import ReportStatus
from cdtt.reports.services import report_create, report_issue, report_update, submission_add

from .factories import days_ago, member, team
from .test_content import docx_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tree, make_user):
    return make_user("province_admin", tree.province)


def draft(admin, unit, data, **extra):
    return report_create(
        actor=admin,
        kind="ministry",
        unit=unit,
        period_from=data.period_from,
        period_to=data.period_to,
        cutoff=data.cutoff,
        **extra,
    )


def test_a_cut_off_in_the_future_is_refused(tree, admin):
    with pytest.raises(ValidationError) as exc:
        report_create(
            actor=admin,
            kind="ministry",
            unit=tree.province,
            period_from=days_ago(10),
            period_to=days_ago(0),
            cutoff=days_ago(-1),
        )
    assert "tương lai" in exc.value.message_dict["cutoff"][0]


def test_a_cut_off_before_the_period_starts_is_refused(tree, admin):
    with pytest.raises(ValidationError) as exc:
        report_create(
            actor=admin,
            kind="chairman",
            unit=tree.province,
            period_from=days_ago(10),
            period_to=days_ago(5),
            cutoff=days_ago(11),
        )
    assert "trước ngày bắt đầu kỳ báo cáo" in exc.value.message_dict["cutoff"][0]


def test_a_period_ending_before_it_starts_or_a_village_is_refused(tree, admin):
    with pytest.raises(ValidationError) as exc:
        report_create(
            actor=admin,
            kind="ministry",
            unit=tree.village,
            period_from=days_ago(5),
            period_to=days_ago(10),
            cutoff=days_ago(5),
        )
    assert set(exc.value.message_dict) == {"unit", "period_to"}


def test_the_cut_off_defaults_to_the_end_of_the_period_or_today(tree, admin):
    report = report_create(
        actor=admin,
        kind="ministry",
        unit=tree.province,
        period_from=days_ago(10),
        period_to=days_ago(-20),
    )
    assert report.cutoff == days_ago(0)


def test_issuing_without_number_or_signer_is_refused_naming_what_is_missing(tree, admin, data):
    report = draft(admin, tree.province, data)  # the Department's letterhead has no signer
    with pytest.raises(ValidationError) as exc:
        report_issue(actor=admin, report=report)
    assert "số văn bản" in exc.value.messages[0] and "họ tên người ký" in exc.value.messages[0]
    report = report_update(actor=admin, report=report, number="12")
    with pytest.raises(ValidationError) as exc:
        report_issue(actor=admin, report=report)
    assert "họ tên người ký" in exc.value.messages[0]
    assert "số văn bản" not in exc.value.messages[0]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and not report.docx


def test_an_issued_report_is_a_snapshot_and_issuing_again_gives_the_same_figures(tree, admin, data):
    head = letterhead_create(
        actor=admin, unit=tree.province, name="Sở", place="Thanh Hóa", signer_name="Mai Văn Hà"
    )
    first = draft(admin, tree.province, data, letterhead=head, number="7")
    first = report_issue(actor=admin, report=first)
    assert first.status == ReportStatus.ISSUED and first.issued_by == admin
    assert first.issued_on == days_ago(0) and first.docx and first.xlsx
    assert first.figures["now"]["teams"] == 1 and first.figures["now"]["members"] == 2
    assert first.heading["symbol"] == "SKHCN" and first.number_text() == "07/BC-SKHCN"
    with first.docx.open("rb") as f:
        assert "Số: 07/BC-SKHCN" in docx_text(f.read())  # under 10: a leading zero
    # Data changes after the cut-off: a new team, new members, a new snapshot.
    later = team(tree, tree.far_village, "Tổ CNSCĐ Bắc", data.cutoff - dt.timedelta(days=1))
    member(later, "Đỗ Văn Giang", days_ago(1))
    # The same report issued again (a new draft of the same kind, unit and dates).
    second = report_issue(
        actor=admin, report=draft(admin, tree.province, data, letterhead=head, number="8")
    )
    assert second.figures["now"]["members"] == first.figures["now"]["members"]
    # The new team's decision is dated before the cut-off: it counts (a recount says so too).
    assert second.figures["now"]["teams"] == 2
    first.refresh_from_db()
    assert first.figures["now"]["teams"] == 1  # frozen
    with pytest.raises(Conflict):
        report_update(actor=admin, report=first, achievements="sửa sau khi ban hành")
    with pytest.raises(Conflict):
        report_issue(actor=admin, report=first)
    assert AuditEntry.objects.filter(action="report.issue").count() == 2


def test_sendings_are_logged_on_issued_reports_only(tree, admin, data):
    head = letterhead_create(
        actor=admin, unit=tree.province, name="Sở", place="Thanh Hóa", signer_name="Mai Văn Hà"
    )
    report = draft(admin, tree.province, data, letterhead=head, number="3")
    with pytest.raises(Conflict):
        submission_add(actor=admin, report=report, recipient="Bộ KH&CN", sent_on=days_ago(0))
    report = report_issue(actor=admin, report=report)
    with pytest.raises(ValidationError) as exc:
        submission_add(actor=admin, report=report, recipient=" ", sent_on=days_ago(-1))
    assert set(exc.value.message_dict) == {"recipient", "sent_on"}
    submission_add(
        actor=admin,
        report=report,
        recipient="Bộ Khoa học và Công nghệ",
        sent_on=days_ago(0),
        channel="Hệ thống quản lý văn bản",
    )
    assert list(report.submissions.values_list("recipient", flat=True)) == [
        "Bộ Khoa học và Công nghệ"
    ]
    assert AuditEntry.objects.filter(action="report.submit").exists()


def test_an_officer_of_a_sibling_unit_cannot_draft_for_another_unit(tree, make_user, data):
    sibling = make_user("commune_officer", tree.sibling_commune)
    with pytest.raises(PermissionDenied):
        draft(sibling, tree.commune, data)
    leader = make_user("province_leader", tree.province)  # reads only
    with pytest.raises(PermissionDenied):
        draft(leader, tree.province, data)
