"""Where the worker reads photos and garment images and writes results: a folder or S3.

Configured by URL, so the worker needs no Django storage settings:
    file:///srv/media            a local folder (laptop: the storefront's media folders)
    s3://bucket/prefix           S3-compatible storage (endpoint and keys: ``S3Settings``)

The credentials are passed in by each worker's configuration (read from the environment
there), so this module reads no environment of its own.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit


class BlobNotFound(LookupError):
    """The key does not exist in the store."""


@dataclass(frozen=True)
class S3Settings:
    """Endpoint and keys of S3-compatible storage; None lets boto3 use its own lookup
    (``AWS_*`` variables, instance role)."""

    endpoint_url: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    region_name: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> "S3Settings":
        """The storefront's ``DJANGO_AWS_*`` variables, shared by the workers (empty: None)."""
        return cls(
            endpoint_url=environ.get("DJANGO_AWS_S3_ENDPOINT_URL") or None,
            access_key_id=environ.get("DJANGO_AWS_ACCESS_KEY_ID") or None,
            secret_access_key=environ.get("DJANGO_AWS_SECRET_ACCESS_KEY") or None,
            region_name=environ.get("DJANGO_AWS_S3_REGION_NAME") or None,
        )


class BlobStore(Protocol):
    def read(self, key: str) -> bytes: ...

    def write(self, key: str, data: bytes) -> None: ...


class FolderBlobStore:
    """Blobs as files under one root folder; keys may not escape it."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"Key {key!r} points outside the store.")
        return path

    def read(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise BlobNotFound(key) from exc

    def write(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a killed worker never leaves half a file under the key


class S3BlobStore:
    """Blobs in an S3-compatible bucket under a prefix."""

    def __init__(self, bucket: str, prefix: str, s3: S3Settings) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = boto3.client(
            "s3",
            endpoint_url=s3.endpoint_url,
            aws_access_key_id=s3.access_key_id,
            aws_secret_access_key=s3.secret_access_key,
            region_name=s3.region_name,
        )

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def read(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
        except self.client.exceptions.NoSuchKey as exc:
            raise BlobNotFound(key) from exc

    def write(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)


def blob_store_from_url(url: str, *, s3: S3Settings = S3Settings()) -> BlobStore:
    """Build a store from ``file:///path`` or ``s3://bucket/prefix`` (the latter with ``s3``'s
    endpoint and keys, by default boto3's own lookup; a folder ignores them)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FolderBlobStore(Path(parts.path))
    if parts.scheme == "s3":
        return S3BlobStore(parts.netloc, parts.path, s3)
    raise ValueError(f"Unsupported blob store URL {url!r}: use file:///path or s3://bucket/prefix.")
