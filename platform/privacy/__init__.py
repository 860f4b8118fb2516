"""Privacy by construction: envelope encryption, pseudonyms, sealed files, the PII permission
and its access log, the erasure record. Primitives only; the flows that erase, delete,
expire, export and re-encrypt a shopper's data are ``lifecycle``."""
