"""A member's visits move the movement's live ranking: the Youth Union officer's ranking page
shows the member with no points, the member logs visits from the field, and on reload the
member and the branch lead the ranking with the visits' points."""

import uuid

import pytest
from django.utils import timezone

from cdtt.testing import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def youth(make_user):
    from cdtt.movements.tests.factories import Youth
    from cdtt.testing import Tree

    return Youth(Tree(), make_user)


def test_a_members_visits_move_the_ranking(youth, live_server, page):
    from cdtt.campaigns.visits import visit_submit

    movement = youth.movement()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "tinhdoan")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Xin chào')")
    page.goto(f"{live_server.url}/movements/{movement.pk}/")
    row = f"#member-ranking tr[data-person='{youth.person.pk}'] .points"
    assert page.inner_text(row).strip() == "0"

    for home in (youth.field.home, youth.field.home2):  # as the field app sends them
        visit_submit(
            actor=youth.member,
            payload={
                "id": str(uuid.uuid4()),
                "household": {"commune_code": "16000", "code": home.code},
                "visited_at": timezone.now().isoformat(),
                "outcome": "guided",
            },
        )
    page.reload()
    assert page.inner_text(row).strip() == "4"
    first = page.inner_text("#member-ranking tbody tr:first-child")
    assert youth.person.full_name in first
    assert youth.branch.name in page.inner_text("#branch-ranking tbody tr:first-child")
    page.click(f"#member-ranking a:has-text('{youth.person.full_name}')")
    page.wait_for_selector("li:has-text('HO-002')")
