"""Guess a text file's encoding and a CSV file's delimiter."""

from __future__ import annotations

import codecs
from pathlib import Path

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_BYTES = 1 << 20


def detect_encoding(path: Path) -> str:
    """The encoding to read `path` with (see `sniff_encoding`)."""
    return sniff_encoding(path)[0]


def sniff_encoding(path: Path) -> tuple[str, bool]:
    """(encoding, whether the whole file decodes with it).

    BOM first; then UTF-8 if the whole file decodes; else UTF-8 still when the file holds
    more well-formed UTF-8 sequences than bytes that are not (a UTF-8 export with a few
    damaged bytes: reading it as Windows-1252 would garble every accent without a word);
    else Windows-1252 (a superset of the printable ISO-8859-1 that old French and Spanish
    exports use), which leaves five byte values undefined. Readers open the file with
    ``errors="surrogateescape"`` and report the lines whose bytes did not decode."""
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", _decodes(path, "utf-8-sig")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", _decodes(path, "utf-16")
    if _decodes(path, "utf-8"):
        return "utf-8", True
    well_formed = damaged = 0
    with path.open("rb") as handle:
        while chunk := handle.read(SAMPLE_BYTES):
            chunk += handle.readline()  # whole lines: no sequence cut in two
            text = chunk.decode("utf-8", errors="replace")
            bad = text.count("\ufffd")
            damaged += bad
            well_formed += len(text) - len(text.encode("ascii", errors="ignore")) - bad
    if well_formed > damaged:
        return "utf-8", False
    return "cp1252", _decodes(path, "cp1252")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(SAMPLE_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def encoding_name(encoding: str) -> str:
    """The name people know an encoding by, for messages."""
    return {
        "utf-8-sig": "UTF-8",
        "utf-8": "UTF-8",
        "utf-16": "UTF-16",
        "cp1252": "Windows-1252",
    }.get(encoding, encoding)


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
