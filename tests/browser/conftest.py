"""Real-browser fixtures: the ASGI app under uvicorn and Debian's Chromium driven by Playwright.

Chromium comes from Debian's package (`apt-get install chromium`), never from
`playwright install`: no browser build is downloaded.
"""

import os
from pathlib import Path

import pytest

from tests.support.assets import missing_asset
from tests.support.django_fixtures import *  # noqa: F403

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",  # the tests run as root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PAGE_TIMEOUT_MS = 15_000

# Playwright must never fetch a browser build; Chromium is Debian's.
os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the whole test session."""
    if not CHROMIUM.is_file():
        missing_asset(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(`apt-get install chromium`; `playwright install` is not used)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running in this (main) thread, so
    # Django's async-safety check would refuse every ORM call pytest-django and the tests make
    # ("You cannot call this from an async context"). Nothing here is async: turn it off for as
    # long as Playwright runs (web_server takes it back out of the app server's environment).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Every Content-Security-Policy violation is reported on the page's console, so a page our
# policy breaks (a blocked script, style, image or EventSource) fails the test that saw it.
CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI}`);
});
"""


@pytest.fixture
def page(browser):
    """A fresh page in a new browser context (its own cookies) for each test; the test fails
    if any Content-Security-Policy violation happened on it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.add_init_script(CSP_REPORTER)
    violations: list[str] = []

    def console_seen(message) -> None:
        text = message.text
        if message.type == "error" and ("CSP violation" in text or "Content Security" in text):
            violations.append(f"{text} (on {message.page.url if message.page else '?'})")

    context.on("console", console_seen)
    yield context.new_page()
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item; on a failure, save a screenshot of the page.

    The screenshot is taken here, at the end of the test call, while the page and the web
    server are both still up.
    """
    report = yield
    setattr(item, f"rep_{report.when}", report)
    funcargs = getattr(item, "funcargs", {})
    page, tmp_path = funcargs.get("page"), funcargs.get("tmp_path")
    if report.when == "call" and report.failed and page is not None and tmp_path is not None:
        screenshot = tmp_path / "failure.png"
        try:
            page.screenshot(path=str(screenshot), full_page=True)
            report.sections.append(("Screenshot", f"{screenshot} (of {page.url})"))
        except Exception as exc:
            report.sections.append(("Screenshot", f"none: {exc}"))
    return report
