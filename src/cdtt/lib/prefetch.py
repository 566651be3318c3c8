"""Running an iterator one step ahead of its consumer, in a thread of its own (``prefetched``),
or a function over items in a few threads at once, in order (``mapped``).

For pipelines whose stages wait on different things: while the database ingests one batch of a
file, the next batch is read and checked (polars releases the GIL while it works). The producer
must not use the database: Django's connections belong to their thread, and the consumer's
transaction is not the producer's. The active language is carried over, so that messages the
producer writes speak the consumer's language.
"""

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.utils import translation

T = TypeVar("T")
R = TypeVar("R")
_DONE = object()


class _Raised:
    def __init__(self, exc: BaseException):
        self.exc = exc


def prefetched(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """The items of ``items``, produced in a background thread at most ``depth`` ahead of the
    caller. An exception of the producer is raised to the caller at the item it replaced; a
    caller that stops early stops the producer at its next item."""
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    language = translation.get_language()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        with translation.override(language):
            try:
                for item in items:
                    if not put(item):
                        return
            except BaseException as exc:  # handed to the consumer, raised there
                put(_Raised(exc))
                return
            put(_DONE)

    worker = threading.Thread(target=produce, name="prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, _Raised):
                raise item.exc
            yield item
    finally:
        stop.set()
        worker.join()


def mapped(fn: Callable[[T], R], items: Iterable[T], workers: int = 2) -> Iterator[R]:
    """``fn`` of each item of ``items``, worked out by ``workers`` threads at once, in the
    items' order: while the caller handles one result, the next ``workers`` items are being
    worked on (``fn`` should spend its time where the GIL is let go, in polars say). The items
    are taken in the caller's thread, at most ``workers`` + 1 ahead of it; an exception of
    ``fn`` is raised to the caller at its item; a caller that stops early leaves the items not
    started undone. The caller's language is ``fn``'s."""
    language = translation.get_language()

    def call(item: T) -> R:
        with translation.override(language):
            return fn(item)

    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mapped")
    pending: deque = deque()
    try:
        for item in items:
            pending.append(pool.submit(call, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True)
