"""Test helpers shared by the apps' suites (imported by tests only)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from django.db import connection

from medic.errors import ValidationFailed


def run_at_once(jobs: list[Callable[[], object]], timeout: float = 60) -> list[object]:
    """Run the jobs at the same moment, each in its own thread and so on its own database connection
    (closed at the end): real concurrent transactions. Each job's result, or the exception it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except Exception as exc:  # the caller inspects every outcome
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return results


def outcomes(results: list[object], success: type) -> Counter:
    """ "ok" for each result of type `success`, the error code of each ValidationFailed, else its repr."""
    return Counter(
        "ok" if isinstance(r, success) else (r.errors[0].code if isinstance(r, ValidationFailed) else repr(r))
        for r in results
    )
