"""Read source documents: checked UTF-8 text, split into lines, with a content hash."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


class SourceError(ValueError):
    """A source file cannot be read as text; the message names the file and the problem."""


@dataclass(frozen=True)
class SourceText:
    path: Path
    lines: list[str]
    sha256: str


def read_source(path: Path) -> SourceText:
    """Read a document as UTF-8 text; reject binary content and bad encodings with a clear message."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read file: {exc.strerror or exc}") from exc
    if not data.strip():
        raise SourceError(f"{path}: file is empty")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{path}: looks like a binary file (NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from exc
    return SourceText(path=path, lines=text.split("\n"), sha256=hashlib.sha256(data).hexdigest())
