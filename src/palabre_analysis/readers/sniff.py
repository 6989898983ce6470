"""Guess a text file's encoding and a CSV file's delimiter."""

from __future__ import annotations

import codecs
from pathlib import Path

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 1 << 20


def detect_encoding(path: Path) -> str:
    """BOM first; then UTF-8 if the whole file decodes; else Windows-1252 (a superset of the
    printable ISO-8859-1 that old French and Spanish exports use)."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(SAMPLE_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    """The candidate that appears most often, outside quotes, in the first line(s)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    lines = 0
    for char in sample:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes:
            if char == "\n":
                lines += 1
                if lines >= 1:
                    break
            elif char in counts:
                counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
