"""A shopper's data over its life: erasure, photo and try-on deletion, expiry, data export,
key rotation. Flows that span several domains, so they stand above them; no models."""
