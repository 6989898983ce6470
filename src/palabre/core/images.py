"""Uploaded images: type and size checked, re-encoded so that no metadata survives (EXIF,
GPS position, camera serial…), rotated as the camera meant, scaled down for the web."""

from __future__ import annotations

import io
import uuid
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 1600
# decompression bombs (a few bytes declaring huge dimensions) are refused before decoding;
# above 2 × Image.MAX_IMAGE_PIXELS (179 Mpx) Pillow refuses to open them itself
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def clean_image(upload: IO[bytes] | Any, *, field: str = "image") -> ContentFile[bytes]:
    """A new file holding only the pixels of `upload`; ValidationError (on `field`) when it
    is not a JPEG, PNG or WebP image of at most 5 MB."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError({field: _("The image must weigh 5 MB at most.")})
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError({field: _("The image must weigh 5 MB at most.")})
    wrong_type = ValidationError({field: _("Send a JPEG, PNG or WebP image.")})
    too_large = ValidationError(
        {
            field: _("This image is too large: %(n)d megapixels at most.")
            % {"n": MAX_PIXELS // 1_000_000}
        }
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            if kind not in FORMATS:
                raise wrong_type
            if probe.width * probe.height > MAX_PIXELS:
                raise too_large
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            image: Image.Image = ImageOps.exif_transpose(opened) or opened
            if image.mode not in {"RGB", "RGBA", "L", "LA"}:
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            if kind == "JPEG" and image.mode != "RGB":
                image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
            out = io.BytesIO()
            options: dict[str, Any] = {"quality": 85} if kind in {"JPEG", "WEBP"} else {}
            clean.save(out, format=kind, **options)
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise wrong_type from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[kind]}")
