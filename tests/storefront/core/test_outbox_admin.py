"""Operators see what waits in the outbox, and why, but never a message's contents."""

from django.urls import reverse

from core.models import OutboxMessage

SUBJECT = "ps subject-in-the-outbox"


def test_operators_see_pending_messages_without_their_payload(db, admin_client) -> None:
    row = OutboxMessage.objects.create(
        task="recommender.forget",
        queue="recommender",
        payload={"subject": SUBJECT},
        attempts=2,
        last_error="OperationalError: Error 111 connecting",
    )
    listing = admin_client.get(reverse("admin:core_outboxmessage_changelist"))
    page = admin_client.get(reverse("admin:core_outboxmessage_change", args=[row.pk]))
    assert listing.status_code == page.status_code == 200
    assert "recommender.forget" in listing.content.decode()
    assert "Error 111 connecting" in page.content.decode()
    assert SUBJECT not in listing.content.decode() + page.content.decode()
    deleting = admin_client.post(
        reverse("admin:core_outboxmessage_delete", args=[row.pk]), {"post": "yes"}
    )
    assert deleting.status_code == 403  # read only, even for a superuser
    assert OutboxMessage.objects.filter(pk=row.pk).exists()
