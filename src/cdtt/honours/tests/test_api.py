"""The honours API with the three personas: the officer of the step, a sibling commune's
officer (404, as if missing), no token (401); and its refusals (409, 422) writing nothing."""

import json

import pytest

from cdtt.campaigns.tests.factories import token_for
from cdtt.honours.models import Nomination, NominationStatus

from .factories import carry, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(tree, make_user):
    return make_world(tree, make_user)


def _post(client, url, body, user=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"} if user else {}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _get(client, url, user=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"} if user else {}
    return client.get(url, **headers)


def test_nominate_and_review_for_three_personas(w, client):
    url = f"/api/v1/honours/rounds/{w.round.pk}/nominations"
    body = {"subject_kind": "team", "subject_id": w.team.pk, "citation": "Hướng dẫn 300 hộ."}
    assert _post(client, url, body).status_code == 401
    assert _post(client, url, body, w.sibling).status_code == 404  # outside their scope
    created = _post(client, url, body, w.commune)
    assert created.status_code == 201 and created.json()["step"] == "commune"
    assert _post(client, url, body, w.commune).status_code == 409  # once a round
    nomination = Nomination.objects.get()
    review = f"/api/v1/honours/nominations/{nomination.pk}/reviews"
    assert _post(client, review, {"action": "approve"}, w.sibling).status_code == 404
    assert _post(client, review, {"action": "return"}, w.commune).status_code == 422
    answer = _post(client, review, {"action": "approve"}, w.commune)
    assert answer.status_code == 200 and answer.json()["step"] == "district"
    listed = _get(client, url, w.commune).json()
    assert listed["count"] == 1 and listed["items"][0]["status"] == "in_review"
    assert _get(client, url, w.sibling).json()["count"] == 0


def test_the_decision_through_the_api(w, client):
    nomination = Nomination.objects.get(
        pk=_post(
            client,
            f"/api/v1/honours/rounds/{w.round.pk}/nominations",
            {"subject_kind": "team", "subject_id": w.team.pk, "citation": "Tốt"},
            w.commune,
        ).json()["id"]
    )
    url = f"/api/v1/honours/rounds/{w.round.pk}/decision"
    body = {"number": "5/QĐ-UBND", "signed_on": "2025-10-08", "signer": "Đỗ Minh Tuấn"}
    refused = _post(client, url, {**body, "nominations": [nomination.pk]}, w.admin)
    assert refused.status_code == 422 and w.team.name in refused.json()["detail"]
    carry(w, nomination)
    assert _post(client, url, body, w.commune).status_code == 403
    done = _post(client, url, body, w.admin)
    assert done.status_code == 201 and done.json()["awards"] == 1
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.AWARDED
