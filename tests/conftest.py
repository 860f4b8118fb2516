"""Fixtures every test folder may use, none of them bound to Django: the shared photos, a
photo every clone has, an SMTP inbox. The Django-bound ones (a Redis per test process, media
under each test's folder, worker and web processes on the test database) are in
tests/support/django_fixtures.py, imported by the conftests of the Django test folders."""

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.assets import shared_images_dir
from tests.support.processes import free_port


@pytest.fixture
def shared_images() -> Path:
    """The real photos beside the repo (people/, groups/, no_person/, garments/).

    Only this team's machines and CI have them: elsewhere a test that needs them is skipped
    with the reason (tests/support/assets.py). Tests that need any photo of one person take
    `astronaut_jpeg` instead, which every clone has.
    """
    return shared_images_dir()


@pytest.fixture(scope="session")
def astronaut_jpeg() -> bytes:
    """A photo of one person, waist up, on every clone: NASA's public-domain portrait of
    Eileen Collins that scikit-image (a dev dependency) ships, as a 512x512 JPEG.

    Try-on accepts it for tops (the same picture as the shared p01_astronaut.png).
    """
    from PIL import Image
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


@dataclass
class SmtpInbox:
    """A real SMTP server on localhost that keeps every message it accepts."""

    port: int
    messages: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


@pytest.fixture
def smtp_inbox() -> Iterator[SmtpInbox]:
    """aiosmtpd on a free port; EMAIL_URL=inbox.url makes a worker deliver there."""
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    inbox = SmtpInbox(port=free_port())

    class Keep:
        async def handle_DATA(self, server, session, envelope) -> str:
            inbox.messages.append(message_from_bytes(envelope.content))
            return "250 Message accepted"

    controller = Controller(Keep(), hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()
