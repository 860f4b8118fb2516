"""The console mailer (the default without EMAIL_URL) logs that an e-mail went, with its
links, never the recipient's address or name: logs outlive an erasure."""

import logging

import pytest
from django.core.mail import EmailMessage, get_connection

from notifications.mail_backends import IdsOnlyConsoleEmailBackend


def test_the_default_console_mailer_is_the_ids_only_one() -> None:
    from config.settings import base

    if base.EMAIL_CONFIG["EMAIL_BACKEND"] != "django.core.mail.backends.console.EmailBackend":
        pytest.skip("EMAIL_URL names a real mailer in this environment")
    assert base.EMAIL_BACKEND == "notifications.mail_backends.IdsOnlyConsoleEmailBackend"


def test_a_message_is_logged_without_name_or_address(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture
) -> None:
    connection = get_connection(
        "notifications.mail_backends.IdsOnlyConsoleEmailBackend", fail_silently=False
    )
    assert isinstance(connection, IdsOnlyConsoleEmailBackend)
    message = EmailMessage(
        subject="Your try-on of Linen shirt is ready",
        body="Hi Ada Lovelace,\nsee it at http://127.0.0.1:8000/tryon/jobs/0f3c/\n",
        to=["ada@example.org"],
        connection=connection,
    )
    with caplog.at_level(logging.INFO):
        assert message.send() == 1
    output = caplog.text + "".join(capsys.readouterr())
    assert "http://127.0.0.1:8000/tryon/jobs/0f3c/" in output and "Linen shirt" in output
    for secret in ("Ada", "Lovelace", "ada@example.org", "example.org"):
        assert secret not in output
