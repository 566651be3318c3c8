"""Shared test fixtures: a small administrative tree and users at each level (three personas)."""

import pytest

from cdtt.geo.models import AdminUnit
from cdtt.testing import PASSWORD, Tree, make_unit  # noqa: F401


@pytest.fixture
def tree(db) -> Tree:
    return Tree()


@pytest.fixture
def make_user(db):
    from cdtt.accounts.services import user_create

    def factory(role: str, unit: AdminUnit, username: str | None = None, **extra):
        return user_create(
            actor=None,
            username=username or f"{role}-{unit.code}",
            password=PASSWORD,
            role=role,
            scope_unit=unit,
            full_name=extra.pop("full_name", "Nguyễn Văn A"),
            **extra,
        )

    return factory


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture(autouse=True)
def _fresh_login_throttle():
    """Login failures of one test must not lock out users of the next."""
    from django.core.cache import cache

    cache.clear()
    yield
