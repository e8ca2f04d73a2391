"""Fixtures for the end-to-end journeys: a headless Chromium driven by Playwright's sync API."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed: the browser journeys need a system Chromium")
    # Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
    # test's own ORM calls as "async-unsafe", though they run synchronously.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="el-GR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def portal_url(live_server, settings):
    """The live server as the portal's public URL, so browser, OAuth redirects and registries agree."""
    settings.SITE_URL = live_server.url
    settings.INTEROP_BASE_URL = f"{live_server.url}/sandbox"
    settings.ALLOWED_HOSTS = ["*"]
    return live_server.url
