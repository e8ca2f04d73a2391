"""Fixtures for the end-to-end journeys: a headless Chromium driven by Playwright's sync API.

`open_context(viewport)` gives a browser context whose every page records the documents it loads;
the journey helpers (tests/journey.py) run axe-core on each of them. At teardown a journey fails if
a page it loaded was never checked, and when a test fails every open page is saved as a screenshot
under test-artifacts/ (path printed).
"""

import os
import re
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
ARTIFACTS = Path(
    os.environ.get("OPSKE_TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts")
)
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


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


def _watch(page):
    """Record every document the page loads (main frame), so teardown can tell an unchecked one."""
    page.loaded_urls = []
    page.axe_checked = set()
    page.on("framenavigated", lambda frame: frame.parent_frame is None and page.loaded_urls.append(frame.url))
    # The Content-Security-Policy refuses any inline script or handler: a page that still has one
    # is reported in the console, and the journey fails at teardown (issue 11).
    page.csp_violations = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text
        and page.csp_violations.append(f"{page.url}: {msg.text}"),
    )


@pytest.fixture
def open_context(browser, request):
    """`open_context(viewport=DESKTOP)` -> a new browser context (Greek locale); pages are watched."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(locale="el-GR", viewport=viewport, timezone_id="Europe/Athens")
        context.set_default_timeout(20000)
        context.on("page", _watch)
        contexts.append(context)
        return context

    yield make

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    unchecked, violations = [], []
    for n, context in enumerate(contexts):
        for m, page in enumerate(context.pages):
            violations += getattr(page, "csp_violations", [])
            if failed:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^\w.-]+", "_", request.node.name)[:120]
                shot = ARTIFACTS / f"{name}-ctx{n}-page{m}.png"
                try:
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"\nscreenshot of the failed journey: {shot} ({page.url})")
                except Exception as exc:  # a screenshot must not hide the failure
                    print(f"\nscreenshot failed for {page.url}: {exc}")
            # A journey (a page the helpers of tests/journey.py have checked) must check them all.
            if getattr(page, "axe_checked", None):
                unchecked += [
                    u
                    for u in page.loaded_urls
                    if u.startswith("http") and u not in page.axe_checked and "/sandbox/" not in u
                ]
        context.close()
    if not failed and violations:
        pytest.fail("Content-Security-Policy violations: " + "; ".join(violations[:5]))
    if not failed and unchecked:
        pytest.fail(f"pages loaded by the journey but never checked with axe-core: {sorted(set(unchecked))}")


@pytest.fixture
def page(open_context):
    return open_context().new_page()


@pytest.fixture
def portal_url(live_server, settings):
    """The live server as the portal's public URL, so browser, OAuth redirects and registries agree."""
    settings.SITE_URL = live_server.url
    settings.INTEROP_BASE_URL = f"{live_server.url}/sandbox"
    settings.ALLOWED_HOSTS = ["*"]
    return live_server.url
