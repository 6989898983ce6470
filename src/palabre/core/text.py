"""Free text that people type for others to read."""

from __future__ import annotations

# Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069) turn whole runs of
# text around: "\u202egpj.exe" shows as "exe.jpg", so a comment could show a text other than
# the stored one. The marks LRM, RLM and ALM (U+200E, U+200F, U+061C) stay: they only orient
# the neutral characters next to them, and Arabic or Hebrew mixed with French needs them.
BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A)],
    None,
)


def without_bidi_controls(text: str) -> str:
    """`text` without the bidirectional controls that reorder what is shown."""
    return text.translate(BIDI_CONTROLS)
