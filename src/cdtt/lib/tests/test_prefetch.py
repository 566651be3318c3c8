"""Running an iterator ahead in a thread: items in order, errors where they happened, an early
stop that stops the producer, the caller's language in the producer."""

import threading

import pytest
from django.utils import translation

from cdtt.lib.prefetch import mapped, prefetched


def test_items_come_in_order_from_another_thread():
    threads = set()

    def items():
        for i in range(50):
            threads.add(threading.current_thread().name)
            yield i

    assert list(prefetched(items(), depth=3)) == list(range(50))
    assert threads == {"prefetch"}


def test_an_error_of_the_producer_is_raised_where_its_item_would_be():
    def items():
        yield 1
        yield 2
        raise ValueError("bad block")

    got = []
    with pytest.raises(ValueError, match="bad block"):
        for item in prefetched(items()):
            got.append(item)
    assert got == [1, 2]


def test_a_caller_that_stops_early_stops_the_producer():
    made = []

    def items():
        for i in range(10_000):
            made.append(i)
            yield i

    for item in prefetched(items(), depth=1):
        if item == 3:
            break
    assert len(made) <= 6  # the item handed, one queued, one being made
    assert not any(t.name == "prefetch" for t in threading.enumerate())


def test_the_producer_speaks_the_caller_s_language():
    def items():
        yield translation.get_language()

    with translation.override("en"):
        assert list(prefetched(items())) == ["en"]


def test_a_function_mapped_in_threads_gives_its_results_in_order_taking_few_items_ahead():
    taken = []
    workers = set()

    def items():
        for i in range(40):
            taken.append(i)
            yield i

    def square(i):
        workers.add(threading.current_thread().name)
        return i * i

    got = []
    for result in mapped(square, items(), workers=2):
        assert len(taken) <= len(got) + 3  # the item handed and at most two more
        got.append(result)
    assert got == [i * i for i in range(40)]
    assert all(name.startswith("mapped") for name in workers)


def test_an_error_of_the_mapped_function_is_raised_at_its_item_and_the_caller_s_language_kept():
    def judge(i):
        if i == 3:
            raise ValueError("bad piece")
        return translation.get_language()

    got = []
    with translation.override("en"), pytest.raises(ValueError, match="bad piece"):
        for result in mapped(judge, range(10)):
            got.append(result)
    assert got == ["en", "en", "en"]
    assert not any(t.name.startswith("mapped") for t in threading.enumerate())
