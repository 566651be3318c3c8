"""The visit load test of ``cdtt bench`` (bench/visits.py), run briefly against a live server:
duplicates and concurrent resends are stored once, and the check says so."""

import pytest

from .factories import token_for

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_load_test_stores_every_visit_once(live_server, field):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (the bench runs on it only)")
    from bench.visits import check_exactly_once, run_bare, run_visit_load

    households = [
        {"commune_code": "16000", "code": "HO-001", "residents": [field.head.pk, field.child.pk]},
        {"commune_code": "16000", "code": "HO-002", "residents": [field.other.pk]},
    ]
    result = run_visit_load(
        live_server.url,
        [token_for(field.member)],
        households,
        seconds=2,
        concurrency=3,
        duplicate_share=0.5,
        campaign=field.campaign.pk,
    )
    assert result["acknowledged"] > 0 and result["duplicates_sent"] > 0, result
    assert set(result["statuses"]) <= {"200", "201"}, result
    check = check_exactly_once(result)
    assert check["lost"] == 0 and check["doubled"] == 0 and check["stored"] == result["stored_new"]
    assert run_bare(live_server.url, seconds=0.5, concurrency=2)["requests"] > 0


def test_it_refuses_anything_but_loopback():
    from bench.visits import run_bare

    with pytest.raises(ValueError):
        run_bare("http://example.org", seconds=1)
