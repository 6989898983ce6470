"""core.images: an image whose header declares too many pixels gets a message that says so."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from palabre.core.images import MAX_PIXELS, clean_image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def declared_png(width: int, height: int) -> bytes:
    """A PNG of a few dozen bytes whose header declares `width` × `height` 1-bit pixels."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, grey
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00"))
        + _chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    "side",
    [
        30_000,  # 900 Mpx: Pillow refuses to open it (DecompressionBombError)
        pytest.param(  # 100 Mpx: Pillow opens it, with a warning
            10_000, marks=pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
        ),
        7_000,  # 49 Mpx: above our own limit only
    ],
)
def test_a_decompression_bomb_is_refused_as_too_large(side):
    assert side * side > MAX_PIXELS
    upload = SimpleUploadedFile("bombe.png", declared_png(side, side), content_type="image/png")
    with translation.override("en"), pytest.raises(ValidationError) as error:
        clean_image(upload)
    assert error.value.message_dict == {
        "image": ["This image is too large: 40 megapixels at most."]
    }
    upload.seek(0)
    with translation.override("fr"), pytest.raises(ValidationError) as error:
        clean_image(upload, field="logo")
    assert "40" in error.value.message_dict["logo"][0]
