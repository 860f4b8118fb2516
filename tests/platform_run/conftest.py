"""The storefront's processes and settings run for real: Django's test fixtures apply here."""

from tests.support.django_fixtures import *  # noqa: F403
