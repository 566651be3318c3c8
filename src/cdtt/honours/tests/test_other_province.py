"""Honours are each province's: another province's Department and leader find none of this
province's rounds, nominations, awards or dialogue forms (404, as if missing; their own
dialogue page lists none of ours, its DOCX and its "sent" leave ours alone)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cdtt.campaigns.tests.factories import token_for
from cdtt.honours import dialogue, services
from cdtt.honours.models import DialogueForm
from cdtt.testing import make_unit

from .factories import carry, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree, make_user):
    return make_world(tree, make_user)


@pytest.fixture
def far(make_user):
    """The Department's and the leader's accounts of another province."""
    other = make_unit("39", "Nghệ An", "province")
    return make_user("province_admin", other), make_user("province_leader", other)


def _award(w):
    nomination = services.nomination_file(
        actor=w.commune, round=w.round, subject_kind="team", subject_id=w.team.pk, citation="x"
    )
    carry(w, nomination)
    decision = services.decision_issue(
        actor=w.admin, round=w.round, number="1/QĐ-UBND", signed_on=timezone.localdate(), signer="B"
    )
    return nomination, decision.awards.get()


def test_another_province_finds_none_of_the_rounds_nominations_and_awards(w, far, login, client):
    nomination, award = _award(w)
    pages = [
        reverse("honours:round", args=[w.round.pk]),
        reverse("honours:submission", args=[w.round.pk]),
        reverse("honours:nomination", args=[nomination.pk]),
        reverse("honours:certificate", args=[award.pk]),
    ]
    assert login(w.admin).get(pages[2]).status_code == 200  # allowed: this province's
    for user in far:
        browser = login(user)
        for url in pages:
            assert browser.get(url).status_code == 404, (user.role, url)
        api = f"/api/v1/honours/rounds/{w.round.pk}/nominations"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
        assert client.get(api, **headers).status_code == 404
    client.logout()
    assert client.get(pages[2]).status_code == 302  # anonymous: to the login page


def test_another_provinces_dialogue_holds_none_of_our_members(w, far, login):
    year = timezone.localdate().year
    form = dialogue.dialogue_pick(actor=w.admin, year=year, person=w.person)
    admin, leader = far
    page = login(leader).get(reverse("honours:dialogue", args=[year])).content.decode()
    assert form.full_name not in page
    assert login(admin).get(reverse("honours:dialogue_edit", args=[form.pk])).status_code == 404
    docx = login(admin).get(reverse("honours:dialogue_docx", args=[year]))
    assert docx.status_code == 302  # refused: no form of theirs, ours not sent in their name
    login(admin).post(reverse("honours:dialogue_sent", args=[year]))
    assert DialogueForm.objects.get().sent_on is None
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(leader)}"}
    answer = login(leader).get(f"/api/v1/honours/dialogue/{year}", **headers).json()
    assert answer["items"] == []
    own = login(w.chairman).get(reverse("honours:dialogue", args=[year])).content.decode()
    assert form.full_name in own  # allowed: this province's leader
