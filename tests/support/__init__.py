"""Helpers the tests share: assets, brokers, factories and hostile files, job polling, real
processes, the shopper footprint, a webhook receiver, worker results; and the Django-bound
fixtures (django_fixtures), which only the Django test folders import."""
