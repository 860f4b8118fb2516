"""The boundary tests load the storefront's apps (their order, the sealed headers of each
Celery app): Django's test fixtures apply here."""

from tests.support.django_fixtures import *  # noqa: F403
