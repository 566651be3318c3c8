"""The Prime Minister's dialogue: two members a year, the completeness check (the DOCX refused
with what is missing), the document addressed to the Ministry, the reminders before 10/9."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from docx import Document

from cdtt.core.errors import Conflict
from cdtt.core.models import Notification
from cdtt.honours import dialogue
from cdtt.honours.models import DialogueForm

from .factories import make_world

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture
def w(tree, make_user):
    return make_world(tree, make_user)


def _members(w):
    return [m.person for m in w.team.memberships.filter(left_on__isnull=True).order_by("pk")]


def _complete(form):
    return dialogue.dialogue_update(
        actor=None,
        form=form,
        birth_year=1990,
        gender="F",
        contact="0912345678",
        organization="UBND xã Quảng Định",
        achievements="Hướng dẫn 1.234 hộ.",
        initiative="Tổ công nghệ số trên xe máy.",
        to_raise="Hỗ trợ thiết bị cho tổ.",
    )


def test_two_members_at_most_each_once(w):
    first, second, third = _members(w)[:3]
    dialogue.dialogue_pick(actor=w.admin, year=YEAR, person=first)
    with pytest.raises(Conflict):
        dialogue.dialogue_pick(actor=w.admin, year=YEAR, person=first)
    dialogue.dialogue_pick(actor=w.admin, year=YEAR, person=second)
    with pytest.raises(Conflict):
        dialogue.dialogue_pick(actor=w.admin, year=YEAR, person=third)
    assert DialogueForm.objects.count() == 2


def test_an_incomplete_form_refuses_the_docx_with_what_is_missing(w):
    first, second = _members(w)[:2]
    form = dialogue.dialogue_pick(actor=w.admin, year=YEAR, person=first)
    assert form.full_name == first.full_name and form.role  # prefilled from the record
    dialogue.dialogue_pick(actor=w.admin, year=YEAR, person=second)
    with pytest.raises(ValidationError) as exc:
        dialogue.dialogue_document(year=YEAR, province=w.tree.province)
    text = " ".join(exc.value.messages)
    assert "Năm sinh" in text and "Nội dung muốn trao đổi tại buổi đối thoại" in text
    for f in DialogueForm.objects.all():
        _complete(f)
    data = dialogue.dialogue_document(year=YEAR, province=w.tree.province)
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Kính gửi: Bộ Khoa học và Công nghệ." in text


def test_the_page_refuses_the_docx_and_lists_what_is_missing(w, login):
    dialogue.dialogue_pick(actor=w.admin, year=YEAR, person=_members(w)[0])
    client = login(w.admin)
    response = client.get(reverse("honours:dialogue_docx", args=[YEAR]), follow=True)
    page = response.content.decode()
    assert "Chưa chọn đủ 2 thành viên" in page and "Năm sinh" in page
    assert login(w.commune).get(reverse("honours:dialogue", args=[YEAR])).status_code == 403


def test_reminders_before_the_deadline_until_sent(w):
    for person in _members(w)[:2]:
        _complete(dialogue.dialogue_pick(actor=w.admin, year=YEAR, person=person))
    assert dialogue.dialogue_remind(today=dt.date(YEAR, 8, 20)) == 0  # not a reminder day
    assert dialogue.dialogue_remind(today=dt.date(YEAR, 9, 3)) == 1  # seven days left
    note = Notification.objects.get(recipient=w.admin)
    assert "10/09/2026" in note.title
    assert dialogue.dialogue_remind(today=dt.date(YEAR, 9, 12)) == 1  # overdue: every day
    dialogue.dialogue_mark_sent(actor=w.admin, year=YEAR, sent_on=dt.date(YEAR, 9, 12))
    assert dialogue.dialogue_remind(today=dt.date(YEAR, 9, 13)) == 0


def test_the_command_line_lists_and_refuses(w, tmp_path):
    from django.core.management.base import CommandError

    dialogue.dialogue_pick(actor=w.admin, year=YEAR, person=_members(w)[0])
    with pytest.raises(CommandError) as exc:
        call_command("honours", "dialogue", str(YEAR), "-o", str(tmp_path / "x.docx"))
    assert "Năm sinh" in str(exc.value)
    assert not (tmp_path / "x.docx").exists()
    call_command("honours", "remind", "--dry-run")
