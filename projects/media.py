"""Reading a file from the documents folder (MEDIA_ROOT) only where it really lies inside.

Highlight writes no links there, but a link left by an older restore, or by hand, would
make a download serve whatever it points at: every file served from MEDIA_ROOT (a
document, the logo) is resolved first, and one that resolves outside is treated as missing.
"""

from pathlib import Path

from django.conf import settings


def media_path(name):
    """The resolved path of `name` under MEDIA_ROOT if it is a file inside it, else None."""
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def open_media(name):
    """`name` under MEDIA_ROOT opened for reading; FileNotFoundError if it is not inside."""
    path = media_path(name)
    if path is None:
        raise FileNotFoundError(name)
    return path.open("rb")
