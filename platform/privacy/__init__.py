"""Privacy by construction: envelope encryption, key rotation, pseudonyms, erasure."""
