"""Test helpers shared by the apps' suites (imported by tests only)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

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


# --- browser tests: Content-Security-Policy violations -------------------------------------------------

_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__medicCspViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"}` +
      ` at ${e.sourceFile || location.href}:${e.lineNumber}`
  );
});
"""


def watch_csp(context: Any, seen: list[str]) -> None:
    """Record every CSP violation in the pages of a Playwright browser context into `seen`: the console's
    "... violates the following Content Security Policy directive ..." messages and the documents'
    `securitypolicyviolation` events (listened to by an init script, which the policy does not govern)."""
    context.on(
        "console",
        lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None,
    )
    context.expose_binding("__medicCspViolation", lambda source, text: seen.append(str(text)))
    context.add_init_script(_REPORT_VIOLATIONS)


@contextmanager
def no_csp_violations(browser: Any) -> Iterator[list[str]]:
    """Watch every context the test opens on `browser` (the `page` fixture's included) and fail if any page
    reported a Content-Security-Policy violation. For an autouse fixture in each browser test module."""
    seen: list[str] = []
    original = browser.new_context

    def new_context(*args: Any, **kwargs: Any) -> Any:
        context = original(*args, **kwargs)
        watch_csp(context, seen)
        return context

    browser.new_context = new_context
    try:
        yield seen
    finally:
        browser.new_context = original
    assert not seen, "Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(seen))
