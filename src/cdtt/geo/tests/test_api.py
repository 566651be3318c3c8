"""The API's skeleton: tokens, the OpenAPI document, and a unit read within scope."""

from datetime import timedelta

from django.utils import timezone

from cdtt.accounts.models import ApiToken
from cdtt.testing import PASSWORD


def _token(client, username):
    response = client.post(
        "/api/v1/auth/token",
        {"username": username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    return response.json()["token"]


def test_token_then_unit(client, tree, make_user):
    make_user("commune_officer", tree.commune, username="xa")
    token = _token(client, "xa")
    response = client.get("/api/v1/units/16000", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["level"] == "commune" and [c["code"] for c in body["children"]] == [
        "16000-002",
        "16000-001",
    ]


def test_sibling_gets_404_anonymous_401(client, tree, make_user):
    make_user("commune_officer", tree.sibling_commune, username="ben")
    token = _token(client, "ben")
    response = client.get("/api/v1/units/16000", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404 and "detail" in response.json()
    assert client.get("/api/v1/units/16000").status_code == 401


def test_wrong_password_and_expired_token(client, tree, make_user):
    make_user("commune_officer", tree.commune, username="xa")
    response = client.post(
        "/api/v1/auth/token",
        {"username": "xa", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 401 and response.json()["detail"]
    token = _token(client, "xa")
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/units/16000", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401 and "hết hạn" in response.json()["detail"]


def test_deactivated_user_token_stops_working(client, tree, make_user):
    user = make_user("commune_officer", tree.commune, username="xa")
    token = _token(client, "xa")
    user.is_active = False
    user.save()
    assert (
        client.get("/api/v1/units/16000", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    )


def test_openapi_document_lists_the_operations(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "CDTT API"
    assert "/api/v1/auth/token" in spec["paths"] and "/api/v1/units/{code}" in spec["paths"]
    # Every operation but the token exchange, the public check of a certificate and the
    # good-practice library (DESIGN.md §10: no login) requires the bearer token.
    public = {
        "/api/v1/auth/token",
        "/api/v1/certificates/{certificate_code}",
        "/api/v1/initiatives",  # the good-practice library
    }
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if path in public:
                assert not op.get("security")
            else:
                assert op.get("security"), f"{method.upper()} {path} has no auth"
