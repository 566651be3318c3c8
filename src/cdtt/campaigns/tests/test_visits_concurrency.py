"""Concurrent retries of one visit UUID store it once (PostgreSQL: real concurrent transactions)."""

import threading
import uuid

import pytest
from django.db import connection, connections
from django.utils import timezone

from cdtt.campaigns.models import CampaignDay, Visit
from cdtt.campaigns.visits import visit_submit
from cdtt.core.errors import DomainError
from cdtt.skills.models import SkillAssessment

from .factories import all_skills

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


def _guided_visit(field) -> dict:
    """A guided campaign visit to the head's household with all five skills assessed."""
    return {
        "id": str(uuid.uuid4()),
        "household": {"commune_code": "16000", "code": field.home.code},
        "visited_at": timezone.now().isoformat(),
        "outcome": "guided",
        "campaign": field.campaign.pk,
        "services": ["vneid"],
        "assessments": all_skills(field.head),
    }


def test_concurrent_duplicates_are_stored_once(field):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly concurrent transactions")
    data = _guided_visit(field)
    results = _run_concurrently(8, lambda i: visit_submit(actor=field.member, payload=data))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(created for _, created in results) == [False] * 7 + [True]
    assert Visit.objects.count() == 1
    assert SkillAssessment.objects.count() == 5
    day = CampaignDay.objects.get()
    assert (day.visits, day.households, day.new_households) == (1, 1, 1)


def test_concurrent_conflicting_duplicates_keep_one_and_refuse_the_others(field):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly concurrent transactions")
    visit_id = str(uuid.uuid4())

    def work(i):
        data = {
            "id": visit_id,
            "household": {"commune_code": "16000", "code": field.home.code},
            "visited_at": timezone.now().isoformat(),
            "outcome": "come_back_later",
            "note": f"phone {i}",
        }
        try:
            return visit_submit(actor=field.member, payload=data)[1]
        except DomainError as exc:
            return exc.status

    results = _run_concurrently(6, work)
    assert sorted(results, key=str) == sorted([True] + [409] * 5, key=str)
    assert Visit.objects.count() == 1


def test_concurrent_visits_to_one_village_keep_the_counters_exact(field):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly concurrent transactions")
    homes = [field.home, field.home2] * 4

    def work(i):
        data = {
            "id": str(uuid.uuid4()),
            "household": {"commune_code": "16000", "code": homes[i].code},
            "visited_at": timezone.now().isoformat(),
            "outcome": "guided",
            "campaign": field.campaign.pk,
        }
        return visit_submit(actor=field.member, payload=data)[1]

    assert _run_concurrently(8, work) == [True] * 8
    day = CampaignDay.objects.get()
    assert (day.visits, day.households, day.new_households) == (8, 2, 2)


def _holder():
    """A connection of its own to the test database, outside Django's."""
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
    )


def _until_a_backend_waits_for_a_lock(holder) -> None:
    import time

    deadline = time.monotonic() + 20
    waiting = "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = %s"
    while time.monotonic() < deadline:
        holder.execute("SELECT pg_stat_clear_snapshot()")  # read afresh inside its transaction
        if holder.execute(waiting, [connection.settings_dict["NAME"]]).fetchone():
            return
        time.sleep(0.05)


def test_a_resend_waiting_for_the_first_send_is_answered_without_a_rollback(field):
    """The household held by another transaction: the resend waits for it apart, then reads
    the household again and finds its visit stored (no failed insert, no rollback: a rollback
    makes psycopg drop the connection's prepared statements)."""
    from unittest import mock

    from django.db.backends.base.base import BaseDatabaseWrapper

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly concurrent transactions")
    data = _guided_visit(field)
    visit, created = visit_submit(actor=field.member, payload=data)
    # The first send, replayed by hand: its row taken out, then written again by a transaction
    # that holds the household while the resend starts.
    SkillAssessment.objects.filter(visit_id=visit.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE first_send AS SELECT * FROM campaigns_visit")
    Visit.objects.all().delete()
    rolled_back = mock.patch.object(
        BaseDatabaseWrapper, "_rollback", autospec=True, side_effect=BaseDatabaseWrapper._rollback
    )
    answers: list = []

    def resend():
        answers.extend(
            _run_concurrently(1, lambda i: visit_submit(actor=field.member, payload=data))
        )

    with _holder() as holder, rolled_back as rollback:
        holder.execute("SELECT 1 FROM registry_household WHERE id = %s FOR UPDATE", [field.home.pk])
        holder.execute("INSERT INTO campaigns_visit SELECT * FROM first_send")
        thread = threading.Thread(target=resend)
        thread.start()
        _until_a_backend_waits_for_a_lock(holder)
        holder.execute("DROP TABLE first_send")
        holder.commit()  # the first send stored, the household released
        thread.join(30)
    assert created and len(answers) == 1, answers
    again, created_again = answers[0]
    assert (str(again.pk), created_again) == (str(visit.pk), False)
    assert not rollback.called
    assert Visit.objects.count() == 1
