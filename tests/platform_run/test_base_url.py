"""Links in e-mails point at the address `manage.py up` (bin/up) really serves (issue 12,
item 6): its --host and --port set FITTINGROOM_BASE_URL for the web server and the workers,
unless the environment already names one (production, or a laptop behind a proxy)."""

import subprocess
import sys
from pathlib import Path

import pytest

from shop.management.commands.up import base_url, child_env

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the environment nor a developer's .env names a base URL."""
    monkeypatch.delenv("FITTINGROOM_BASE_URL", raising=False)
    monkeypatch.setenv("DJANGO_READ_DOT_ENV_FILE", "false")


def test_up_gives_its_children_the_base_url_of_its_own_host_and_port(no_base_url) -> None:
    assert child_env("127.0.0.1", 8123)["FITTINGROOM_BASE_URL"] == "http://127.0.0.1:8123"
    assert child_env("localhost", 9000)["FITTINGROOM_BASE_URL"] == "http://localhost:9000"


def test_a_wildcard_or_ipv6_host_becomes_an_address_a_browser_opens() -> None:
    assert base_url("0.0.0.0", 8123) == "http://127.0.0.1:8123"  # noqa: S104
    assert base_url("::", 8123) == "http://[::1]:8123"
    assert base_url("::1", 8123) == "http://[::1]:8123"


def test_a_base_url_from_the_environment_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FITTINGROOM_BASE_URL", "https://shop.example.org")
    assert child_env("127.0.0.1", 8123)["FITTINGROOM_BASE_URL"] == "https://shop.example.org"


def test_the_workers_settings_read_it(no_base_url) -> None:
    """What a child process started with that environment links e-mails to."""
    env = child_env("127.0.0.1", 8123)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.FITTINGROOM_BASE_URL)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8123"
