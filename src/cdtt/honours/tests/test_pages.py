"""The honours pages with the three personas (allowed, a sibling unit, anonymous), the
documents they give (nominee list XLSX, DOCX submission, certificate PDF) and the command line."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from cdtt.honours import services
from cdtt.honours.models import Nomination, NominationStatus

from .factories import carry, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree, make_user):
    return make_world(tree, make_user)


def _nominate(w, **extra):
    fields = {"subject_kind": "team", "subject_id": w.team.pk, "citation": "Hướng dẫn 300 hộ."}
    fields.update(extra)
    return services.nomination_file(actor=w.commune, round=w.round, **fields)


def test_a_commune_officer_files_a_nomination_with_the_form(w, login):
    client = login(w.commune)
    page = client.get(reverse("honours:nominate", args=[w.round.pk]))
    assert page.status_code == 200 and w.team.name in page.content.decode()
    assert w.other_team.name not in page.content.decode()  # the sibling commune's team
    response = client.post(
        reverse("honours:nominate", args=[w.round.pk]),
        {"subject": f"team:{w.team.pk}", "citation": "Hướng dẫn 300 hộ dân."},
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and nomination.team == w.team
    page = client.get(reverse("honours:nomination", args=[nomination.pk])).content.decode()
    assert "Hướng dẫn 300 hộ dân." in page and 'id="review"' in page


def test_a_nominee_of_another_commune_is_refused_on_the_page(w, login):
    client = login(w.commune)
    response = client.post(
        reverse("honours:nominate", args=[w.round.pk]),
        {"subject": f"team:{w.other_team.pk}", "citation": "x"},
    )
    assert response.status_code == 200 and not Nomination.objects.exists()


def test_a_nomination_for_three_personas(w, login, client):
    nomination = _nominate(w)
    url = reverse("honours:nomination", args=[nomination.pk])
    assert login(w.commune).get(url).status_code == 200
    assert login(w.sibling).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # anonymous: to the login page


def test_the_review_on_the_page_moves_the_nomination_and_keeps_the_history(w, login):
    nomination = _nominate(w)
    client = login(w.commune)
    client.post(reverse("honours:review", args=[nomination.pk]), {"action": "approve"})
    nomination.refresh_from_db()
    assert nomination.step == "district"
    # The district returns it without a comment: refused with a message, nothing moves.
    client = login(w.district)
    client.post(reverse("honours:review", args=[nomination.pk]), {"action": "return"})
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.IN_REVIEW
    # The sibling commune's officer cannot even see it.
    response = login(w.sibling).post(
        reverse("honours:review", args=[nomination.pk]), {"action": "approve"}
    )
    assert response.status_code == 404
    page = login(w.commune).get(reverse("honours:nomination", args=[nomination.pk]))
    assert "Đồng ý, chuyển cấp trên" in page.content.decode()


def test_the_round_page_lists_exports_and_submits(w, login):
    nomination = carry(w, _nominate(w))
    client = login(w.admin)
    page = client.get(reverse("honours:round", args=[w.round.pk]))
    assert w.team.name in page.content.decode()
    book = client.get(reverse("honours:round", args=[w.round.pk]), {"format": "xlsx"})
    data = b"".join(book.streaming_content) if book.streaming else book.content
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[1][0] == w.team.name
    docx = client.get(reverse("honours:submission", args=[w.round.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "TỜ TRÌNH" in text
    assert w.team.name in "".join(
        c.text for t in Document(io.BytesIO(docx.content)).tables for r in t.rows for c in r.cells
    )
    response = client.post(
        reverse("honours:decision", args=[w.round.pk]),
        {
            "number": "99/QĐ-UBND",
            "signed_on": timezone.localdate().strftime("%d/%m/%Y"),
            "signer": "Đỗ Minh Tuấn",
        },
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.AWARDED
    # The award shows on the team's page.
    team_page = client.get(reverse("teams:detail", args=[w.team.pk])).content.decode()
    assert "99/QĐ-UBND" in team_page


def test_the_decision_page_refuses_when_nothing_passed(w, login):
    _nominate(w)
    client = login(w.admin)
    response = client.post(
        reverse("honours:decision", args=[w.round.pk]),
        {
            "number": "99/QĐ-UBND",
            "signed_on": timezone.localdate().strftime("%d/%m/%Y"),
            "signer": "A",
        },
        follow=True,
    )
    assert "Chưa có hồ sơ nào qua đủ các cấp xét" in response.content.decode()
    assert not hasattr(w.round, "decision") or w.round.decision is None


def test_the_certificate_is_a_pdf(w, login):
    nomination = carry(w, _nominate(w))
    decision = services.decision_issue(
        actor=w.admin, round=w.round, number="7/QĐ-UBND", signed_on=timezone.localdate(), signer="B"
    )
    award = decision.awards.get()
    response = login(w.commune).get(reverse("honours:certificate", args=[award.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert login(w.sibling).get(reverse("honours:certificate", args=[award.pk])).status_code == 404
    assert nomination.pk == award.nomination_id


def test_only_the_department_opens_a_round(w, login):
    url = reverse("honours:round_new")
    assert login(w.commune).get(url).status_code == 403
    client = login(w.admin)
    response = client.post(
        url,
        {
            "year": 2026,
            "kind": "national",
            "title": "Đợt quốc gia",
            "criteria": "Tiêu chí",
            "award_form": "Bằng khen",
            "quota_collectives": 0,
            "quota_individuals": 0,
            "home_affairs": w.home_affairs.pk,
            "commune_deadline": "01/09/2026",
            "district_deadline": "05/09/2026",
            "department_deadline": "10/09/2026",
            "home_affairs_deadline": "20/09/2026",
            "chairman_deadline": "30/09/2026",
        },
    )
    assert response.status_code == 302


def test_the_command_line_carries_a_nomination(w, tmp_path, capsys):
    call_command(
        "honours",
        "nominate",
        str(w.round.pk),
        "--user",
        w.commune.username,
        "--kind",
        "team",
        "--id",
        str(w.team.pk),
        "--citation",
        "Tốt",
    )
    nomination = Nomination.objects.get()
    for user in (w.commune, w.district, w.admin, w.appraiser, w.chairman):
        call_command(
            "honours", "review", str(nomination.pk), "--user", user.username, "--action", "approve"
        )
    call_command(
        "honours",
        "decide",
        str(w.round.pk),
        "--user",
        w.admin.username,
        "--number",
        "3/QĐ-UBND",
        "--date",
        timezone.localdate().strftime("%d/%m/%Y"),
        "--signer",
        "Đỗ Minh Tuấn",
    )
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.AWARDED
    out = tmp_path / "to-trinh.docx"
    call_command("honours", "submission", str(w.round.pk), "-o", str(out))
    assert out.read_bytes().startswith(b"PK")
    call_command("honours", "nominations", str(w.round.pk))
    assert "awarded" in capsys.readouterr().out


def test_the_command_line_refuses_a_nominee_outside_scope(w):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "honours",
            "nominate",
            str(w.round.pk),
            "--user",
            w.sibling.username,
            "--kind",
            "team",
            "--id",
            str(w.team.pk),
            "--citation",
            "Tốt",
        )
    assert not Nomination.objects.exists()
