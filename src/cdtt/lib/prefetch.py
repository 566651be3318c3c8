"""Running an iterator one step ahead of its consumer, in a thread of its own.

For pipelines whose stages wait on different things: while the database ingests one batch of a
file, the next batch is read and checked (polars releases the GIL while it works). The producer
must not use the database: Django's connections belong to their thread, and the consumer's
transaction is not the producer's. The active language is carried over, so that messages the
producer writes speak the consumer's language.
"""

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.utils import translation

T = TypeVar("T")
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
