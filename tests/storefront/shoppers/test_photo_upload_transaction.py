"""A photo upload decodes and checks the picture outside any database transaction (issue 12).

On the embedded SQLite every request transaction holds the one write lock (IMMEDIATE), so an
upload that decoded, ran the person check and encrypted inside it kept every other request
and task waiting; under the fault suite's load (bench/fault_suite.py) they waited past the
busy timeout and got 500s ("database is locked"). The row is written in a short transaction
of its own once the picture is ready.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from shoppers import services
from shoppers.models import ShopperPhoto
from tests.support.factories import shopper_create


def test_the_upload_decodes_and_checks_the_photo_outside_a_transaction(
    transactional_db, client, astronaut_jpeg: bytes, monkeypatch
) -> None:
    # A transactional test: no test-wide transaction hides the request's own.
    shopper = shopper_create(username="ada")
    in_transaction: list[bool] = []
    person_check = services.shopper_photo_person_check

    def watched(content: bytes) -> None:
        # The real check runs; we only note whether a transaction was open around it.
        in_transaction.append(connection.in_atomic_block)
        person_check(content)

    monkeypatch.setattr(services, "shopper_photo_person_check", watched)
    client.force_login(shopper.user)
    upload = SimpleUploadedFile("me.jpg", astronaut_jpeg, content_type="image/jpeg")
    response = client.post(reverse("shoppers:photo_upload"), {"photo": upload})
    assert response.status_code == 302
    assert in_transaction == [False]
    assert ShopperPhoto.objects.filter(shopper=shopper).count() == 1
