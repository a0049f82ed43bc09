"""The sha256 of a file's bytes, computed one way everywhere.

A workbook version is identified by the sha256 of its bytes (the ingest, the sensor, the reader's
memo) and a published warehouse by the sha256 of its file (the publish log, the export manifest):
the same reading rule serves them all. Files are opened with ``open_regular`` (``O_NOFOLLOW``): a
symlink is never followed and a FIFO never blocks the read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from sources.guards import open_regular

CHUNK_BYTES = 1 << 20


def sha256_stream(
    source: BinaryIO,
    each_chunk: Callable[[bytes], object] | None = None,
    chunk_size: int = CHUNK_BYTES,
) -> tuple[str, int]:
    """(sha256, size) of the bytes read from ``source`` to its end; ``each_chunk`` sees every
    chunk as it is hashed (a copy hashes the bytes it writes, never reads them twice)."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(chunk_size):
        digest.update(chunk)
        size += len(chunk)
        if each_chunk is not None:
            each_chunk(chunk)
    return digest.hexdigest(), size


def sha256_and_size(path: Path, chunk_size: int = CHUNK_BYTES) -> tuple[str, int]:
    """(sha256, size) of a regular file's bytes, as read (never through a link)."""
    with open_regular(path) as handle:
        return sha256_stream(handle, chunk_size=chunk_size)


def file_sha256(path: Path, chunk_size: int = CHUNK_BYTES) -> str:
    """The sha256 of a regular file's bytes (never through a link)."""
    return sha256_and_size(path, chunk_size)[0]
