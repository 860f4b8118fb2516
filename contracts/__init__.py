"""What the three houses agree on: messages, names, vocabularies, limits, the envelope.

Plain Python (standard library and ``cryptography``), so the storefront, the try-on worker
and the recommender all import it and none imports another's internals.
"""
