"""Shared test fixtures: a small administrative tree and users at each level (three personas)."""

import pytest
from pytest_django.plugin import validate_django_db

from cdtt.geo.models import AdminUnit
from cdtt.testing import PASSWORD, Tree, make_unit  # noqa: F401


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests marked slow (tens of seconds each) start first, so that in a parallel run
    (pytest -n) the workers end together instead of one of them finishing a long test alone.
    This comes after pytest-django's order (tests in a transaction, then those that empty the
    database after them, then those without a database) and keeps it: a slow test that
    empties the database only moves to the front of its group. Every worker sorts alike."""
    items.sort(key=_start_order)


def _start_order(item) -> tuple[int, int, int]:
    slow = item.get_closest_marker("slow") is not None
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    uses_db = marker is not None or "db" in names
    empties = "transactional_db" in names or "live_server" in names
    if marker is not None:
        transaction, reset_sequences = validate_django_db(marker)[:2]
        empties = empties or transaction or reset_sequences
    if slow and not empties:
        return (0, 0, 0)
    group = 1 if empties else (0 if uses_db else 2)
    return (1, group, 0 if slow else 1)


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


@pytest.fixture(scope="session", autouse=True)
def _media_of_this_run(tmp_path_factory):
    """The files the tests store (uploads, exports, the files of jobs) go to a folder of this
    test process, never the checkout's var/media: the workers of a parallel run (pytest -n)
    and two runs at once never see, back up or delete each other's files."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _fresh_login_throttle():
    """Login failures of one test must not lock out users of the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def wsgi_connection_kept():
    """For tests that call the WSGI application itself: its request signals would close a
    database connection that is not in autocommit, the test's own transaction on PostgreSQL.
    Django's test client disconnects them for its requests; so does this fixture."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)
