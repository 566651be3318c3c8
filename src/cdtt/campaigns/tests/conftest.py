"""Fixtures of the campaigns tests: households with residents in the tree's villages, a field
member of a team serving one village, a campaign, and an API client with a bearer token."""

import json

import pytest

from .factories import Field, all_skills, token_for  # noqa: F401


@pytest.fixture
def field(tree, make_user) -> Field:
    return Field(tree, make_user)


class Api:
    """A Django test client speaking JSON with a bearer token."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def post(self, path, data=None, raw: bytes | str | None = None):
        body = raw if raw is not None else json.dumps(data)
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", **self.headers
        )

    def get(self, path, **params):
        return self.client.get(f"/api/v1{path}", params, **self.headers)


@pytest.fixture
def api_as(client):
    def make(user=None, days: int = 30) -> Api:
        return Api(client, token_for(user, days) if user is not None else None)

    return make
