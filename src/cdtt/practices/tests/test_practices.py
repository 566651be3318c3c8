"""Models and good practices: propose, review, evaluate, files, the public library, the API."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cdtt.audit.models import AuditEntry
from cdtt.core.errors import Conflict, Refused
from cdtt.practices import selectors, services
from cdtt.practices.models import Attachment, Initiative, Status
from cdtt.practices.tests.factories import EXE, PDF, PNG, World, docx_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree, make_user):
    return World(tree, make_user)


def test_a_commune_officer_proposes_and_the_department_is_told(w):
    initiative = w.propose()
    assert initiative.status == Status.PROPOSED
    assert initiative.unit == w.tree.village
    assert set(initiative.skills.values_list("code", flat=True)) == {"payment", "shopping"}
    assert AuditEntry.objects.filter(action="initiative.propose").count() == 1
    assert w.department.notifications.filter(kind="practices").exists()


def test_places_in_two_villages_are_seen_from_their_commune(w):
    initiative = w.propose(units=[w.tree.village, w.tree.village2])
    assert initiative.unit == w.tree.commune
    assert initiative.places.count() == 2


def test_a_model_for_villages_outside_the_proposers_scope_is_refused(w):
    with pytest.raises(ValidationError) as exc:
        w.propose(units=[w.tree.village, w.tree.sibling_village])
    assert "ngoài phạm vi" in str(exc.value.message_dict["units"])
    assert not Initiative.objects.exists()


def test_a_team_member_may_not_propose(w, make_user):
    member = make_user("team_member", w.tree.commune)
    with pytest.raises(Refused):
        w.propose(member)


def test_the_department_approves_returns_with_a_comment_or_rejects(w):
    one = w.approved()
    assert one.status == Status.APPROVED and one.approved_on is not None
    two = w.propose(title="Thôn thông minh")
    with pytest.raises(ValidationError):
        services.initiative_review(actor=w.department, initiative=two, decision="return")
    two = services.initiative_review(
        actor=w.department, initiative=two, decision="return", comment="Bổ sung ảnh"
    )
    assert two.status == Status.RETURNED
    two = services.initiative_update(
        actor=w.officer,
        initiative=two,
        title="Thôn thông minh",
        summary="Tóm tắt",
        description="Cách làm",
        units=[w.tree.village],
        skills=["safety"],
        started_on=dt.date(2025, 1, 1),
    )
    assert two.status == Status.PROPOSED
    with pytest.raises(Conflict):
        services.initiative_review(
            actor=w.department, initiative=one, decision="reject", comment="x"
        )


def test_a_commune_officer_cannot_review(w):
    initiative = w.propose()
    with pytest.raises(Refused):
        services.initiative_review(actor=w.officer, initiative=initiative, decision="approve")


def test_photos_and_documents_are_checked_by_content_and_stored(w):
    initiative = w.propose(files=[upload("cho.png", PNG), upload("ke-hoach.docx", docx_bytes())])
    kinds = sorted(initiative.files.values_list("kind", "content_type"))
    assert kinds == [("document", "docx"), ("photo", "png")]
    stored = initiative.files.get(content_type="png")
    assert stored.file.storage.exists(stored.file.name)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("anh.jpg", PDF, "không khớp"),  # not what its extension says
        ("setup.pdf", EXE, "chương trình"),  # an executable
        ("virus.exe", EXE, "chương trình"),
        ("ghi-chu.txt", b"hello world", "không phải PDF"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_kept(w, name, content, reason):
    with pytest.raises(ValidationError) as exc:
        w.propose(files=[upload(name, content)])
    assert reason in " ".join(exc.value.messages)
    assert not Initiative.objects.exists() and not Attachment.objects.exists()


def test_a_too_large_attachment_is_refused(w, settings):
    settings.CDTT_ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(ValidationError) as exc:
        w.propose(files=[upload("to.png", PNG)])
    assert "quá lớn" in " ".join(exc.value.messages)


def test_evaluation_keeps_what_the_platform_measured_beside_the_report(w):
    initiative = w.approved()
    evaluation = services.initiative_evaluate(
        actor=w.department,
        initiative=initiative,
        period_start=dt.date(2025, 3, 1),
        period_end=dt.date(2025, 9, 1),
        reported="120 tiểu thương dùng mã QR",
        rating="good",
    )
    assert set(evaluation.measured) >= {
        "coverage_start",
        "coverage_end",
        "visits",
        "members_trained",
    }
    with pytest.raises(ValidationError):
        services.initiative_evaluate(
            actor=w.department,
            initiative=initiative,
            period_start=dt.date(2025, 9, 1),
            period_end=dt.date(2025, 3, 1),
            reported="x",
            rating="good",
        )


def test_replication_links_to_the_original_and_is_counted(w, make_user):
    original = w.approved()
    copy = w.propose(
        title="Chợ 4.0 thôn Phú Lộc", units=[w.tree.village2], replicated_from=original
    )
    assert copy.replicated_from == original
    assert selectors.public_initiative(original.pk).n_replications == 1
    pending = w.propose(title="Khác")
    with pytest.raises(ValidationError):
        w.propose(title="Bản sao", replicated_from=pending)


def test_public_latest_gives_the_newest_approved(w):
    w.propose(title="Chưa duyệt")
    approved = w.approved(title="Đã duyệt")
    (latest,) = selectors.public_latest()
    assert latest.title == "Đã duyệt" and latest.approved_on == approved.approved_on
    assert latest.get_absolute_url() == f"/practices/library/{approved.pk}/"


# --- pages: the three personas -------------------------------------------------------------


def test_the_list_page_three_personas(w, client, login):
    initiative = w.propose()
    url = reverse("practices:detail", args=[initiative.pk])
    assert login(w.officer).get(url).status_code == 200
    assert login(w.sibling).get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_public_library_needs_no_login_and_folds_diacritics(w, client):
    w.approved()
    w.propose(title="Chợ chưa duyệt")
    page = client.get(reverse("practices:library"), {"q": "cho 4.0"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Chợ 4.0 thôn Yên Trung" in body and "Chợ chưa duyệt" not in body
    assert client.get(reverse("practices:library"), {"q": "khong co"}).status_code == 200
    features = client.get(reverse("practices:library_map")).json()["features"]
    assert features and features[0]["properties"]["name"] == "Chợ 4.0 thôn Yên Trung"


def test_a_public_page_shows_only_approved_models(w, client):
    approved, pending = w.approved(), w.propose(title="Chờ")
    assert client.get(approved.get_absolute_url()).status_code == 200
    assert client.get(reverse("practices:public_detail", args=[pending.pk])).status_code == 404


def test_a_file_of_a_pending_model_is_not_public(w, client, login):
    initiative = w.propose(files=[upload("cho.png", PNG)])
    url = reverse("practices:file", args=[initiative.files.get().pk])
    assert client.get(url).status_code == 404
    assert login(w.officer).get(url).status_code == 200


def test_propose_through_the_page_and_review(w, login, tree):
    client = login(w.officer)
    response = client.post(
        reverse("practices:new"),
        {
            "title": "Thôn số Yên Trung",
            "summary": "Tóm tắt",
            "description": "Cách làm",
            "units": [tree.village.pk],
            "skills": ["safety"],
            "leader_name": "Chi đoàn thôn",
            "started_on": "01/02/2025",
            "files": [upload("anh.png", PNG)],
        },
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302 and initiative.files.count() == 1
    client = login(w.department)
    client.post(reverse("practices:review", args=[initiative.pk]), {"decision": "approve"})
    initiative.refresh_from_db()
    assert initiative.status == Status.APPROVED


def test_the_api_lists_the_library_without_login(w, client):
    approved = w.approved()
    w.propose(title="Chờ")
    body = client.get("/api/v1/initiatives", {"q": "CHO 4.0", "skill": "payment"}).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == approved.pk and item["replications"] == 0
    assert item["units"] == [{"code": "16000-001", "name": "Thôn Yên Trung"}]
    assert client.get("/api/v1/initiatives", {"unit": "16001"}).json()["count"] == 0
    assert client.get("/api/v1/initiatives", {"unit": "99999"}).status_code == 404


def test_figures_count_approved_running_and_replicated(w):
    from cdtt.figures.catalogue import figures_of

    original = w.approved()
    copy = w.propose(title="Bản sao", units=[w.tree.village2], replicated_from=original)
    services.initiative_review(actor=w.department, initiative=copy, decision="approve")
    codes = ["practices_approved", "practices_running", "practices_replications"]
    assert figures_of(w.tree.commune, codes=codes) == {
        "practices_approved": 2,
        "practices_running": 2,
        "practices_replications": 1,
    }
    assert figures_of(w.tree.sibling_commune, codes=codes)["practices_approved"] == 0


def test_evidence_of_the_unit_and_the_organization(w):
    from cdtt.core.evidence import Subject, evidence_of

    w.approved()
    lines = evidence_of(Subject("unit", w.tree.commune.pk))
    assert any(e.code == "practices_models" and e.value == 1 for e in lines)


def test_a_team_leader_proposing_leads_the_model_and_it_is_their_evidence(
    w, tree, make_user, login
):
    from cdtt.core.evidence import Subject, evidence_of
    from cdtt.teams.models import Person
    from cdtt.teams.tests.factories import found_team

    team = found_team(tree.village)
    leader_user = make_user("team_leader", tree.commune, username="totruong")
    person = team.memberships.first().person
    Person.objects.filter(pk=person.pk).update(user=leader_user)
    client = login(leader_user)
    client.post(
        reverse("practices:new"),
        {
            "title": "Tổ số",
            "summary": "Tóm tắt",
            "description": "Cách làm",
            "units": [tree.village.pk],
            "skills": ["safety"],
            "leader_name": "Tổ trưởng",
            "lead_team": team.pk,
            "started_on": "01/02/2025",
        },
    )
    initiative = Initiative.objects.get()
    assert (initiative.leader_person_id, initiative.lead_team_id) == (person.pk, team.pk)
    services.initiative_review(actor=w.department, initiative=initiative, decision="approve")
    assert evidence_of(Subject("person", person.pk))[0].value == 1
    assert evidence_of(Subject("team", team.pk))[0].value == 1


def test_the_api_and_pages_of_officers_refuse_the_anonymous(w, client):
    initiative = w.propose()
    assert client.get(reverse("practices:list")).status_code == 302
    assert client.get(reverse("practices:new")).status_code == 302
    assert client.post(reverse("practices:review", args=[initiative.pk])).status_code == 302


def test_the_pages_show_the_measures_the_vietnamese_way(w, client, login):
    initiative = w.approved()
    services.initiative_evaluate(
        actor=w.department,
        initiative=initiative,
        period_start=dt.date(2025, 3, 1),
        period_end=dt.date(2025, 9, 1),
        reported="Tốt",
        rating="good",
    )
    body = login(w.department).get(reverse("practices:detail", args=[initiative.pk])).content
    assert "01/03/2025" in body.decode() and "Hiệu quả, nên nhân rộng" in body.decode()
    public = client.get(initiative.get_absolute_url()).content.decode()
    assert "01/09/2025" in public and "Nhân rộng tại thôn của tôi" in public


def test_a_returned_model_is_completed_on_its_page_and_goes_back(w, login, tree):
    initiative = w.propose()
    services.initiative_review(
        actor=w.department, initiative=initiative, decision="return", comment="Thêm ảnh"
    )
    client = login(w.officer)
    assert client.get(reverse("practices:edit", args=[initiative.pk])).status_code == 200
    client.post(
        reverse("practices:edit", args=[initiative.pk]),
        {
            "title": "Chợ 4.0 (bổ sung)",
            "summary": "Tóm tắt",
            "description": "Cách làm",
            "units": [tree.village.pk, tree.village2.pk],
            "skills": ["payment"],
            "leader_name": "Tổ CNSCĐ",
            "started_on": "01/03/2025",
        },
    )
    initiative.refresh_from_db()
    assert (initiative.status, initiative.title) == (Status.PROPOSED, "Chợ 4.0 (bổ sung)")
    assert initiative.places.count() == 2
    assert login(w.sibling).get(reverse("practices:edit", args=[initiative.pk])).status_code == 404
