"""Child process of ``cdtt bench``: import one population file and print the timing as JSON.

Run apart from the bench itself so that the peak memory the bench reads (``wait4``) is the
import's alone.
"""

import dataclasses
import json
import sys
import time


def main(path: str) -> None:
    import django

    django.setup()
    from cdtt.registry.imports import population_import

    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] > 5 or done == total:
            last[0] = now
            print(f"   import: {done:,}/{total:,} rows", file=sys.stderr, flush=True)

    started = time.perf_counter()
    result = population_import(actor=None, path=path, progress=progress)
    seconds = time.perf_counter() - started
    summary = {
        k: v for k, v in dataclasses.asdict(result).items() if isinstance(v, (int, float, bool))
    }
    summary["errors"] = [str(e) for e in list(getattr(result, "errors", []))[:5]]
    print(json.dumps({"seconds": seconds, "result": summary}, ensure_ascii=False))
    if getattr(result, "errors", None):
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1])
