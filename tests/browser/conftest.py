"""Real-browser fixtures: the ASGI app under uvicorn and Debian's Chromium driven by Playwright.

Chromium comes from Debian's package (`apt-get install chromium`), never from
`playwright install`: no browser build is downloaded.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
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
SERVER_START_TIMEOUT_S = 60.0

# Playwright must never fetch a browser build; Chromium is Debian's.
os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"


@dataclass(frozen=True)
class WebServer:
    url: str
    process: subprocess.Popen
    log_path: Path


def _test_database_url() -> str:
    """The test database as a URL for another process (as tests/conftest.py builds it)."""
    from django.db import connection

    params = connection.settings_dict
    if params["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{params['NAME']}"
    user = params.get("USER") or ""
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = f"{params.get('HOST') or '127.0.0.1'}:{params.get('PORT') or 5432}"
    return f"postgres://{auth}{host}/{params['NAME']}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _log_tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-3000:]


@pytest.fixture
def web_server(
    transactional_db, settings, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[WebServer]:
    """The real ASGI app under uvicorn, on the test database, media folders and Redis.

    Depends on transactional_db so that what a test writes is committed and the server sees it.
    REDIS_URL is not passed: the server inherits the environment (REDIS_URL in CI,
    PYTEST_XDIST_WORKER), from which config.settings.test derives this process's own Redis.
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "DATABASE_URL": _test_database_url(),
        # The private storage is derived as MEDIA_ROOT.parent / "private", which is where the
        # autouse _media_storage fixture puts this test's private blobs too.
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": os.pathsep.join([str(REPO / "platform"), str(REPO)]),
    }
    # Only this pytest process needs the async-safety check off (see the browser fixture);
    # the app under test keeps Django's checks.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    log_path = tmp_path / "web-server.log"
    for _attempt in range(3):  # another process may grab the free port before uvicorn binds it
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log_path.open("ab") as log:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "config.asgi:application",
                    "--app-dir",
                    "platform",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--lifespan",
                    "off",
                ],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline and process.poll() is None:
            if _health_ok(url):
                break
            time.sleep(0.1)
        else:
            if process.poll() is not None and "address already in use" in _log_tail(log_path):
                continue
            _stop(process)
            pytest.fail(
                f"The web server did not answer {url}/health/ with 200 within "
                f"{SERVER_START_TIMEOUT_S:.0f}s:\n{_log_tail(log_path)}"
            )
        break
    else:
        pytest.fail(f"The web server could not bind a free port:\n{_log_tail(log_path)}")

    yield WebServer(url=url, process=process, log_path=log_path)
    _stop(process)
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"Web server log ({log_path}), last lines:\n{_log_tail(log_path)}")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, for the whole test session."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(`apt-get install chromium`; `playwright install` is not used)."
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


@pytest.fixture
def page(browser):
    """A fresh page in a new browser context (its own cookies) for each test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    yield context.new_page()
    context.close()


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
