"""Headless Chromium for the browser tests: Debian's chromium driven by Python playwright.

The tests are skipped, with the reason, when chromium or playwright is missing (bin/install-browser
installs both), unless REQUIRE_BROWSER=1, as in CI, where a missing browser is a failure.
"""

import os
import shutil

import pytest

from tests.browser.support import CHROMIUM_ARGS, PHONE, browser_required, missing_browser_reason, open_page

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def pytest_collection_modifyitems(items):
    """Skip at collection when the browser is missing, before any database is set up for nothing."""
    reason = missing_browser_reason()
    if reason is None or browser_required():
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def chromium():
    """One browser per module, stopped after it so no event loop outlives the browser tests.

    Playwright's sync API keeps an asyncio loop running in this thread while it is started, which
    Django's async-safety check would take for async code; the tests' ORM calls are synchronous, so the
    check is lifted for exactly that span.
    """
    reason = missing_browser_reason()
    if reason:
        if browser_required():
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def browser_page(chromium, live_server):
    context, page = open_page(chromium, live_server)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium, live_server):
    context, page = open_page(chromium, live_server, viewport=PHONE)
    yield page
    context.close()
