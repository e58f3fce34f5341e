"""The organisation's logo: checked, then re-encoded by Highlight before anything shows it.

Only PNG and JPEG are accepted, by their content rather than their name. SVG never is: it is
a document that can carry scripts and fetch other files. Whatever was uploaded is decoded
within size and pixel limits and written again as a fresh PNG, so nothing of the original
file (metadata, trailing data, a polyglot's second meaning) reaches a page or a PDF.
"""

import hashlib
import io
import warnings

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4096 * 4096  # what is decoded; a larger image is refused before decoding
MAX_SIDE = 8000
# MPO is how Pillow names a camera's JPEG that carries a second, preview image.
ACCEPTED = {"PNG", "JPEG", "MPO"}
# Logos are printed small: kept at most this size, which is sharp at 300 dpi in a header.
KEEP_WIDTH, KEEP_HEIGHT = 1200, 400


def reencode(upload):
    """A clean PNG of an uploaded logo: (bytes, width, height, sha256), or ValidationError."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"The logo is {upload.size / 1024 / 1024:.1f} MB; the limit is 2 MB.", code="too_big"
        )
    data = upload.read(MAX_BYTES + 1)
    too_many = ValidationError(
        "The logo has too many pixels; keep it within 4096×4096.", code="too_many_pixels"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED:
                raise ValidationError(
                    "Upload the logo as a PNG or JPEG image.", code="wrong_format"
                )
            width, height = image.size
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise too_many
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(
            "That file is not a PNG or JPEG image Highlight can read.", code="unreadable"
        ) from None
    image = ImageOps.exif_transpose(image)  # a phone's photo the right way up
    if image.mode.startswith("I"):
        # 16-bit grey: scaled to 8 bits, not clipped (which would turn it all white).
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    image = image.convert("RGBA" if _has_transparency(image) else "RGB")
    image.thumbnail((KEEP_WIDTH, KEEP_HEIGHT))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    content = out.getvalue()
    return content, image.width, image.height, hashlib.sha256(content).hexdigest()


def _has_transparency(image):
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
