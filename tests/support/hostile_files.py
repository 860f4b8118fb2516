"""Hostile files for the image checks, made without Django (the worker tests use them too)."""

import struct
import zlib


def bomb_png(width: int, height: int, bit_depth: int = 1) -> bytes:
    """A valid greyscale PNG (1-bit unless asked) of the given size that compresses to nothing."""
    row = b"\x00" + b"\x00" * ((width * bit_depth + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )
