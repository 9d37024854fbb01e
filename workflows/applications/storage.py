"""Attachment bytes on disk, outside the database: ATTACHMENT_DIR/ab/cd/<sha256>.

Content-addressed: the same file stored twice is one file, a name never needs escaping, and a
file is written completely (temporary file, fsync, atomic rename) before the transaction that
references it commits. A rolled-back transaction can leave an unreferenced file behind; it is
harmless and never served (downloads go through an Attachment row).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from flask import current_app

_HEX = frozenset("0123456789abcdef")


def root() -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"])


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or not set(sha256) <= _HEX:
        raise ValueError("not a sha256 digest")
    return root() / sha256[:2] / sha256[2:4] / sha256


def store(content: bytes) -> str:
    """Write the bytes (once) and return their sha256."""
    digest = hashlib.sha256(content).hexdigest()
    target = path_for(digest)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def read(sha256: str) -> bytes:
    return path_for(sha256).read_bytes()
