"""The console mailer for laptops and demos: says that an e-mail went, never to whom.

Django's console backend prints whole messages (recipient address, "Hi <name>") into the
process output, which ``bin/up`` keeps as its log; logs outlive an erasure, so they must
carry ids only. This backend logs the subject (a garment's name) and the links in the body
(they hold job ids), which is what a developer clicks, and counts the recipients.
"""

import logging
import re

from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)
_LINK = re.compile(r"https?://\S+")


class IdsOnlyConsoleEmailBackend(BaseEmailBackend):
    """Log each message without its recipients or its text; deliver nothing."""

    def send_messages(self, email_messages) -> int:
        """Log one line per message; return how many were "sent"."""
        for message in email_messages:
            links = _LINK.findall(str(message.body))
            logger.info(
                "e-mail not delivered (console mailer): %r to %d recipient(s); links: %s",
                message.subject,
                len(message.recipients()),
                " ".join(links) or "none",
            )
        return len(email_messages)
