"""Decode the bytes of a text list whatever encoding the user's software saved it in.

Excel on Chinese Windows saves CSV as GBK (GB18030 reads it) and "Unicode text" as UTF-16 with a
byte-order mark; other tools write UTF-8 with or without a BOM. A byte-order mark decides; else
strict UTF-8; else charset-normalizer (a library made for this) names the encoding. The name is kept
so the import and the build report can say how the file was read.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # before UTF-16: same first bytes
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in a text list (tab, newlines and form feed do).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class EncodingError(ValueError):
    """The bytes are not text in any encoding we can name; the message names the file."""


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # Python's codec name: utf-8, utf-8-sig (UTF-8 with BOM), gb18030, utf-16, …


def _canonical(name: str) -> str:
    return codecs.lookup(name).name


def decode_text(path: Path, data: bytes) -> DecodedText:
    """Decode `data` (the content of `path`), naming the encoding; refuse binary content."""
    if not data.strip():
        raise EncodingError(f"{path}: file is empty")
    decoded: DecodedText | None = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                decoded = DecodedText(data.decode(name), "utf-8-sig" if name == "utf-8-sig" else name)
            except UnicodeDecodeError as exc:
                raise EncodingError(f"{path}: starts with a {name} byte-order mark but is not {name} text "
                                    f"(byte offset {exc.start})") from exc
            break
    if decoded is None:
        try:
            decoded = DecodedText(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data).best()
            if best is None:
                raise EncodingError(f"{path}: looks like a binary file, not text in any encoding we know; "
                                    "expected a CSV/TSV text file or an .xlsx workbook") from None
            decoded = DecodedText(str(best), _canonical(best.encoding))
    bad = _CONTROL.search(decoded.text)
    if bad:
        line = decoded.text.count("\n", 0, bad.start()) + 1
        raise EncodingError(f"{path}:{line}: looks like a binary file (control character "
                            f"U+{ord(bad.group()):04X} in {decoded.encoding} text); "
                            "expected a CSV/TSV text file or an .xlsx workbook")
    return decoded
