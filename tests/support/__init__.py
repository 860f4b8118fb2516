"""Helpers the tests share: assets, brokers, factories, job polling, the shopper footprint,
a webhook receiver, worker results."""
