"""Youth emulation movements: counted and claimed criteria, the live ranking with its
drill-down, bad claims, the pages, the XLSX and the API."""

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cdtt.campaigns.visits import visit_submit
from cdtt.core.errors import Conflict, Refused
from cdtt.movements import selectors, services
from cdtt.movements.counters import counter_register, counters
from cdtt.movements.models import CriterionKind, PointClaim
from cdtt.movements.tests.factories import Youth

pytestmark = pytest.mark.django_db


@pytest.fixture
def y(tree, make_user):
    return Youth(tree, make_user)


def visit(y, user, home, when=None):
    return visit_submit(
        actor=user,
        payload={
            "id": str(uuid.uuid4()),
            "household": {"commune_code": home.commune.code, "code": home.code},
            "visited_at": (when or timezone.now()).isoformat(),
            "outcome": "guided",
        },
    )


def claimed(movement):
    return movement.criteria.get(kind=CriterionKind.CLAIMED)


def test_a_youth_union_officer_creates_a_movement(y):
    movement = y.movement()
    assert movement.criteria.count() == 2
    assert {p.pk for p in selectors.participants(movement)} == {y.person.pk, y.sibling_person.pk}


def test_only_the_youth_union_creates_movements(y):
    with pytest.raises(Refused):
        y.movement(actor=y.field.officer)
    with pytest.raises(ValidationError):
        y.movement(criteria=[services.CriterionIn("x", 1, "no_such_counter")])


def test_a_members_visits_move_the_ranking(y):
    movement = y.movement()
    members, branches = selectors.ranking(movement)
    assert {r.points for r in members} == {0}
    visit(y, y.member, y.field.home)
    visit(y, y.member, y.field.home2)
    visit(y, y.member, y.field.home2)  # the same household again: counted once
    members, branches = selectors.ranking(movement)
    top = members[0]
    assert (top.pk, top.points, top.rank) == (y.person.pk, 4, 1)
    assert (branches[0].pk, branches[0].points) == (y.branch.pk, 4)
    entries = dict((c.name, e) for c, e in selectors.member_entries(movement, y.person))
    assert len(entries["Hộ được đến hướng dẫn"]) == 2


def test_visits_outside_the_period_do_not_count(y):
    movement = y.movement()
    visit(y, y.member, y.field.home, when=timezone.now() - dt.timedelta(days=60))
    members, _ = selectors.ranking(movement)
    assert all(r.points == 0 for r in members)


def test_a_claim_with_evidence_counts_once_approved(y):
    movement = y.movement()
    claim = services.points_claim(
        actor=y.member,
        criterion=claimed(movement),
        fact="Ra quân ngày Chủ nhật xanh",
        happened_on=timezone.localdate(),
        evidence_url="https://example.vn/anh",
    )
    assert selectors.ranking(movement)[0][0].points == 0
    services.claim_review(actor=y.officer, claim=claim, approve=True)
    members, _ = selectors.ranking(movement)
    assert (members[0].pk, members[0].points) == (y.person.pk, 5)


def test_a_claim_without_evidence_is_refused(y):
    movement = y.movement()
    with pytest.raises(ValidationError) as exc:
        services.points_claim(
            actor=y.member,
            criterion=claimed(movement),
            fact="Ra quân",
            happened_on=timezone.localdate(),
        )
    assert "minh chứng" in str(exc.value.message_dict["evidence"])
    assert not PointClaim.objects.exists()


def test_a_claim_twice_for_the_same_fact_is_refused(y):
    movement = y.movement()
    kwargs = {
        "actor": y.member,
        "criterion": claimed(movement),
        "happened_on": timezone.localdate(),
        "evidence_url": "https://example.vn/anh",
    }
    services.points_claim(fact="Ra quân ngày Chủ nhật xanh", **kwargs)
    with pytest.raises(Conflict):
        services.points_claim(fact="ra quan ngay chu nhat  xanh", **kwargs)
    assert PointClaim.objects.count() == 1


def test_a_claim_outside_the_period_is_refused(y):
    movement = y.movement()
    with pytest.raises(ValidationError) as exc:
        services.points_claim(
            actor=y.member,
            criterion=claimed(movement),
            fact="Ra quân",
            happened_on=movement.ends_on + dt.timedelta(days=1),
            evidence_url="https://example.vn/anh",
        )
    assert "ngoài thời gian" in str(exc.value.message_dict["happened_on"])


def test_an_evidence_file_that_is_a_program_is_refused(y):
    movement = y.movement()
    with pytest.raises(ValidationError):
        services.points_claim(
            actor=y.member,
            criterion=claimed(movement),
            fact="Ra quân",
            happened_on=timezone.localdate(),
            evidence_file=SimpleUploadedFile("anh.jpg", b"MZ\x90\x00" + b"\x00" * 30),
        )
    assert not PointClaim.objects.exists()


def test_someone_outside_the_branches_cannot_claim(y):
    movement = y.movement(branches=[y.branch])
    with pytest.raises(Refused):
        services.points_claim(
            actor=y.sibling_member,
            criterion=claimed(movement),
            fact="Ra quân",
            happened_on=timezone.localdate(),
            evidence_url="https://example.vn/a",
        )


def test_another_module_registers_a_counter(y):
    before = {c.code for c in counters()}
    counter_register(
        "posts_logged_test",
        label="Tin bài",
        count=lambda people, start, end: {p.pk: 3 for p in people},
        entries=lambda person, start, end: [],
    )
    try:
        movement = y.movement(criteria=[services.CriterionIn("Tin bài", 1, "posts_logged_test")])
        members, _ = selectors.ranking(movement)
        assert {r.points for r in members} == {3}
    finally:
        from cdtt.movements import counters as registry

        registry._counters.pop("posts_logged_test")
    assert {c.code for c in counters()} == before


def test_the_ranking_page_three_personas_and_xlsx(y, client, login):
    movement = y.movement()
    url = reverse("movements:detail", args=[movement.pk])
    assert login(y.member).get(url).status_code == 200
    assert login(y.outsider).get(url).status_code == 200  # a province movement reaches all
    client.logout()
    assert client.get(url).status_code == 302
    response = login(y.officer).get(url, {"format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Hạng" and len(rows) == 1 + 2 + 2


def test_a_commune_movement_is_not_seen_from_another_commune(y, login, make_user):
    officer = make_user("province_admin", y.tree.province, username="so")
    movement = y.movement(actor=officer)
    from cdtt.movements.models import Movement

    Movement.objects.filter(pk=movement.pk).update(path=y.tree.commune.path, unit=y.tree.commune)
    url = reverse("movements:detail", args=[movement.pk])
    assert login(y.member).get(url).status_code == 200
    assert login(y.sibling_member).get(url).status_code == 404


def test_drill_down_pages(y, login):
    movement = y.movement()
    visit(y, y.member, y.field.home)
    client = login(y.officer)
    page = client.get(reverse("movements:member", args=[movement.pk, y.person.pk]))
    assert page.status_code == 200 and "HO-001" in page.content.decode()
    page = client.get(reverse("movements:branch", args=[movement.pk, y.branch.pk]))
    assert y.person.full_name in page.content.decode()


def test_claim_and_review_through_the_pages(y, login):
    movement = y.movement()
    client = login(y.member)
    client.post(
        reverse("movements:claim", args=[movement.pk]),
        {
            "criterion": claimed(movement).pk,
            "fact": "Ra quân",
            "happened_on": timezone.localdate().strftime("%d/%m/%Y"),
            "evidence_url": "https://example.vn/a",
        },
    )
    claim = PointClaim.objects.get()
    client = login(y.officer)
    client.post(reverse("movements:review", args=[movement.pk, claim.pk]), {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == "approved"


def test_the_api_ranking(y, client):
    from cdtt.campaigns.tests.factories import token_for

    movement = y.movement()
    visit(y, y.member, y.field.home)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(y.member)}"}
    body = client.get(f"/api/v1/movements/{movement.pk}/ranking", **auth).json()
    assert body["movement"]["id"] == movement.pk
    assert body["items"][0] == {
        "rank": 1,
        "kind": "branch",
        "id": y.branch.pk,
        "name": y.branch.name,
        "branch": y.branch.name,
        "points": 2,
    }
    assert client.get("/api/v1/movements/999/ranking", **auth).status_code == 404


def test_figures_and_evidence(y):
    from cdtt.core.evidence import Subject, evidence_of
    from cdtt.figures.catalogue import figures_of

    movement = y.movement()
    visit(y, y.member, y.field.home)
    assert figures_of(y.tree.commune, codes=["movement_participants"]) == {
        "movement_participants": 1
    }
    lines = {e.code: e.value for e in evidence_of(Subject("person", y.person.pk))}
    # Other modules answer for the member too (their visits): the movement's lines among them.
    assert {k: lines[k] for k in ("movement_points", "movement_rank")} == {
        "movement_points": 2,
        "movement_rank": "1/2",
    }
    branch = {e.code: e.value for e in evidence_of(Subject("organization", y.branch.pk))}
    assert branch["movement_points"] == 2
    assert movement


def test_the_api_ranking_refuses_the_anonymous_and_other_communes(y, client):
    from cdtt.campaigns.tests.factories import token_for
    from cdtt.movements.models import Movement

    movement = y.movement()
    Movement.objects.filter(pk=movement.pk).update(path=y.tree.commune.path, unit=y.tree.commune)
    url = f"/api/v1/movements/{movement.pk}/ranking"
    assert client.get(url).status_code == 401
    sibling = {"HTTP_AUTHORIZATION": f"Bearer {token_for(y.sibling_member)}"}
    assert client.get(url, **sibling).status_code == 404
    member = {"HTTP_AUTHORIZATION": f"Bearer {token_for(y.member)}"}
    assert client.get(url, **member).status_code == 200


def test_launch_a_movement_on_its_page(y, login, tree):
    client = login(y.officer)
    assert client.get(reverse("movements:new")).status_code == 200
    response = client.post(
        reverse("movements:new"),
        {
            "title": "Mùa hè xanh số",
            "organization": y.union.pk,
            "starts_on": "01/06/2026",
            "ends_on": "31/08/2026",
            "branches": [y.branch.pk],
            "criteria": "Hộ được đến | 2 | households_visited\nRa quân | 5",
        },
    )
    assert response.status_code == 302
    from cdtt.movements.models import Movement

    movement = Movement.objects.get(title="Mùa hè xanh số")
    assert [(c.kind, c.points) for c in movement.criteria.all()] == [("counted", 2), ("claimed", 5)]
    bad = client.post(reverse("movements:new"), {"criteria": "chỉ một cột"})
    assert "Dòng 1" in bad.content.decode()
    assert login(y.member).get(reverse("movements:new")).status_code == 404


def test_only_members_claim_and_only_the_movements_officer_reviews(y, login, client, make_user):
    """Refused before the form (403), not sent back with a message: an officer has nothing to
    claim, a member reviews nothing."""
    movement = y.movement()
    claim = services.points_claim(
        actor=y.member,
        criterion=claimed(movement),
        fact="Ra quân",
        happened_on=timezone.localdate(),
        evidence_url="https://example.vn/a",
    )
    officer = make_user("commune_officer", y.tree.commune, username="xa")
    body = {"criterion": claimed(movement).pk, "fact": "Khác", "evidence_url": "https://e.vn/b"}
    assert (
        login(officer).post(reverse("movements:claim", args=[movement.pk]), body).status_code == 403
    )
    review = reverse("movements:review", args=[movement.pk, claim.pk])
    assert login(y.member).post(review, {"decision": "approve"}).status_code == 403
    client.logout()
    assert client.post(review, {"decision": "approve"}).status_code == 302  # to the login page
    claim.refresh_from_db()
    assert claim.status == "pending" and PointClaim.objects.count() == 1
    login(y.officer).post(review, {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == "approved"
