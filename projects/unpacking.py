"""Unpacking a backup without trusting it.

tarfile's "data" filter is not relied on: Python 3.11.7's can be walked past with
symbolic links through paths longer than the system resolves (CVE-2025-4517), and a link
it accepts because it points inside the unpack folder points elsewhere once the folder's
contents are moved into place. Highlight's own backups hold only regular files and
folders under known names, so that is all a restore accepts. Every member is checked
before anything is written: its kind, its name (relative, no '..', once only), its size
against the manifest's, and the total against the manifest and the free disk. Then each
member is written here, byte-capped, into a folder that by then holds no links.
"""

import os
import shutil
import tarfile
from pathlib import Path, PurePosixPath

from django.conf import settings

MANIFEST = "manifest.json"
DATABASE_FILES = ("database.dump", "database.json")
MEDIA = "media"
CHUNK = 1 << 20


class Refused(Exception):
    """The archive holds something a Highlight backup never does; nothing was written."""


def member_sizes(manifest):
    """{member name: bytes} as the backup recorded them, or None for a backup made before
    manifests recorded sizes."""
    files = manifest.get("files")
    if files is None:
        return None
    if not isinstance(files, dict) or not all(
        isinstance(size, int) and size >= 0 for size in files.values()
    ):
        raise Refused("its manifest's list of files is not readable")
    return files


def check_members(members, manifest, destination):
    """The (member, relative parts) to write, in order, or Refused naming the first member
    that a Highlight backup would not hold."""
    sizes = member_sizes(manifest)
    plan, seen, total = [], set(), 0
    for member in members:
        parts = _checked_name(member.name)
        name = "/".join(parts)
        if name in seen:
            raise Refused(f"{member.name!r} appears twice")
        seen.add(name)
        if member.type == tarfile.DIRTYPE:
            if parts[0] != MEDIA:
                raise Refused(f"{member.name!r} is a folder, not a file")
        elif member.type in (tarfile.REGTYPE, tarfile.AREGTYPE):
            if parts == (MEDIA,):
                raise Refused(f"{member.name!r} is a file, not a folder")
            if name != MANIFEST:  # read already, within its own limit
                _check_size(member, name, sizes)
                total += member.size
        else:
            raise Refused(f"{member.name!r} is {_kind(member)}, not a file or a folder")
        plan.append((member, parts))
    if sizes is not None and (missing := sorted(set(sizes) - seen)):
        raise Refused(f"it lacks {missing[0]!r}, which its manifest lists")
    # Each member at its listed size, and no name twice: the total is the manifest's, which
    # a crafted manifest may set as high as it likes; so every backup is capped by a setting.
    if total > settings.RESTORE_MAX_BYTES:
        raise Refused(
            f"it unpacks to {total:,} bytes, more than RESTORE_MAX_BYTES "
            f"({settings.RESTORE_MAX_BYTES:,}) allows"
        )
    free = shutil.disk_usage(destination).free
    if total > free:
        raise Refused(f"it unpacks to {total:,} bytes, and the documents' disk has {free:,} free")
    return plan


def _checked_name(name):
    path = PurePosixPath(name)
    parts = path.parts
    if not parts or path.is_absolute() or ".." in parts:
        raise Refused(f"{name!r} is not a name inside the backup")
    top = parts[0]
    if not (top == MEDIA or (len(parts) == 1 and top in (*DATABASE_FILES, MANIFEST))):
        raise Refused(f"{name!r} is not a part of a Highlight backup")
    return parts


def _check_size(member, name, sizes):
    if sizes is None:
        return
    if name not in sizes:
        raise Refused(f"{member.name!r} is not in its manifest")
    if member.size != sizes[name]:
        raise Refused(
            f"{member.name!r} is {member.size:,} bytes; its manifest says {sizes[name]:,}"
        )


def _kind(member):
    if member.issym():
        return "a symbolic link"
    if member.islnk():
        return "a hard link"
    if member.isdev():
        return "a device or a pipe"
    return "a special entry"


def unpack(archive, manifest, destination):
    """Write the archive's members under `destination` (an empty folder of our own)."""
    destination = Path(os.path.realpath(destination))
    plan = check_members(archive.getmembers(), manifest, destination)
    for member, parts in plan:
        target = destination.joinpath(*parts)
        # Nothing written here is a link, so the resolved path is the path; checked all the
        # same, so that a mistake here cannot write outside.
        if not Path(os.path.realpath(target)).is_relative_to(destination):
            raise Refused(f"{member.name!r} resolves outside the folder it is unpacked in")
        if member.isdir():
            os.makedirs(target, exist_ok=True)
        else:
            os.makedirs(target.parent, exist_ok=True)
            _write(archive.extractfile(member), target, member.size)


def _write(source, target, limit):
    """Copy at most `limit` bytes to a new file: never through a link, never over a file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    with source, os.fdopen(os.open(target, flags, 0o666), "wb") as out:
        written = 0
        while chunk := source.read(CHUNK):
            written += len(chunk)
            if written > limit:
                raise Refused(f"{target.name!r} holds more than the {limit:,} bytes it states")
            out.write(chunk)
