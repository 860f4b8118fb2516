"""Where the worker reads photos and garment images and writes results: a folder or S3.

Configured by URL, so the worker needs no Django storage settings:
    file:///srv/media            a local folder (laptop: the storefront's media folders)
    s3://bucket/prefix           S3-compatible storage (endpoint and keys from AWS_* / DJANGO_AWS_*)
"""

import os
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit


class BlobNotFound(LookupError):
    """The key does not exist in the store."""


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

    def __init__(self, bucket: str, prefix: str) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = boto3.client(
            "s3",
            endpoint_url=os.environ.get("DJANGO_AWS_S3_ENDPOINT_URL") or None,
            aws_access_key_id=os.environ.get("DJANGO_AWS_ACCESS_KEY_ID") or None,
            aws_secret_access_key=os.environ.get("DJANGO_AWS_SECRET_ACCESS_KEY") or None,
            region_name=os.environ.get("DJANGO_AWS_S3_REGION_NAME") or None,
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


def blob_store_from_url(url: str) -> BlobStore:
    """Build a store from ``file:///path`` or ``s3://bucket/prefix``."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        return FolderBlobStore(Path(parts.path))
    if parts.scheme == "s3":
        return S3BlobStore(parts.netloc, parts.path)
    raise ValueError(f"Unsupported blob store URL {url!r}: use file:///path or s3://bucket/prefix.")
