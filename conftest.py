"""Project-wide pytest fixtures: fast password hashing, API clients, the demo clinic."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient


def pytest_configure(config: pytest.Config) -> None:
    # Tests read static files from the source folders: collectstatic's hashed, compressed copies (the real
    # server's) may be missing or stale here. medic/tests/test_static_files.py checks those on their own.
    from django.test import override_settings

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        WHITENOISE_USE_FINDERS=True,
    ).enable()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:  # pytest-django's settings wrapper
    # PBKDF2's deliberate slowness protects real passwords; tests only need a working hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_throttling(settings: Any) -> None:
    # Rates count requests per user per minute, and a test makes many as one user: no limits, and no counter
    # query in the query counts. medic/tests/test_throttling.py sets its own rates.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {}}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings: None) -> None:
    """The test database is created and migrated by the owner role (see django_db_setup below)."""
    from medic.dbops import use_role

    use_role("owner")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None) -> Iterator[None]:
    """Once the test database is ready, the tests run as the application's role, which owns nothing and is no
    superuser, exactly like the web and job processes (flush between transactional tests runs as the owner:
    medic/management/commands/flush.py). Dropping the test database at the end is the owner's job again."""
    from medic.dbops import use_role

    use_role("app")
    yield
    use_role("owner")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def demo(db: None):
    """The demo data exactly as `seed_demo` makes it, with handles on its rows."""
    from medic.clinic.tests.factories import DemoHandles

    return DemoHandles.load()


# --- browser tests (Playwright for Python driving Debian's chromium; never a downloaded browser) ----------

ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


def _chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the session. Missing chromium: a failure in CI, a skip elsewhere."""
    path = _chromium_path()
    if path is None:
        message = "Debian's chromium is not installed (apt-get install -y chromium, or set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Each phase's report kept on the test (`item.report_call`...), for fixtures that report on failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class BrowserLog:
    """What the page did, printed when its test fails: console messages, page errors, and every request
    with its status and time, so a failure on a loaded CI machine says whether the browser or the server
    was at fault."""

    def __init__(self, page: Any) -> None:
        self.started = time.monotonic()
        self.lines: list[str] = []
        page.on("console", lambda m: self.add(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.add(f"page error: {e}"))
        page.on("request", lambda r: self.add(f"→ {r.method} {r.url}"))
        page.on("requestfailed", lambda r: self.add(f"✗ {r.method} {r.url}: {r.failure}"))
        page.on("response", lambda r: self.add(f"← {r.status} {r.request.method} {r.url}"))

    def add(self, line: str) -> None:
        self.lines.append(f"{time.monotonic() - self.started:7.2f}s {line}")


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh browser page; a screenshot of where it ended is saved under test-artifacts/, and when the
    test fails, what the page did is printed with it."""
    # Reduced motion: the schedule page then turns Ant Design's animations off. A popover or dialog that is
    # still zooming in can move between Playwright's press and release, so the click lands on no button; on
    # a loaded machine that lost one or two clicks in eighty. People click long after the animation.
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="en-GB", reduced_motion="reduce"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    log = BrowserLog(page)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print("What the page did:", *log.lines, sep="\n  ")
    context.close()
