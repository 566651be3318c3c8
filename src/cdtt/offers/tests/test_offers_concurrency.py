"""Concurrent claims of the last units of an offer never exceed its quantity (PostgreSQL: real
concurrent transactions)."""

import threading

import pytest
from django.db import connection, connections

from cdtt.core.errors import Conflict
from cdtt.offers import services
from cdtt.offers.models import Claim, Offer
from cdtt.offers.tests.factories import Market

# serialized_rollback: the skill catalog (seeded by a migration) survives earlier flushes.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _run_concurrently(n: int, work) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_concurrent_claims_never_exceed_the_quantity(tree, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly concurrent transactions")
    market = Market(tree, make_user)
    offer = market.offer(quantity=3)
    users = market.members(8)

    def work(i):
        try:
            return services.offer_claim(actor=users[i], offer=Offer.objects.get(pk=offer.pk)).code
        except Conflict as exc:
            return exc.status

    results = _run_concurrently(8, work)
    assert sorted(r for r in results if r == 409) == [409] * 5, results
    assert Claim.objects.count() == 3
    assert Offer.objects.get(pk=offer.pk).claimed == 3


def test_concurrent_claims_of_one_member_store_one(tree, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly concurrent transactions")
    market = Market(tree, make_user)
    offer = market.offer(quantity=5)

    def work(i):
        try:
            return services.offer_claim(actor=market.member, offer=offer).code
        except Conflict as exc:
            return exc.status

    results = _run_concurrently(6, work)
    assert sorted(results, key=str).count(409) == 5, results
    assert Claim.objects.count() == 1
    assert Offer.objects.get(pk=offer.pk).claimed == 1
