"""A backup handed to the operator by an attacker: Highlight's own backup with one trick added
(a hard link, a symbolic link pointing inside or outside, links through paths too long to
resolve, a huge member). Each would write or serve a file outside the documents folder, or
fill the disk; each is refused before anything is written, and nothing changes."""

import io
import json
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection

from projects import unpacking
from projects.backups import make_backup
from projects.models import Organisation, User
from reports.models import Document
from reports.rendering import MEDIA_BASE, static_path
from tests.factories import DocumentFactory, UserFactory

OURS = b"%PDF-1.7 the report as rendered"
SECRET = b"SECRET_KEY=beside-the-documents-folder\n"
DOCUMENT = "media/documents/1/1/report.pdf"
GIB = 1 << 30


@pytest.fixture
def site(transactional_db, django_db_serialized_rollback, media_root, tmp_path):
    """A director, one rendered document, and a secret beside the documents folder (as a
    deployment's .env lies beside its media folder)."""
    director = UserFactory(username="diana")
    director.groups.add(Group.objects.get(name="Directors"))
    document = DocumentFactory(status=Document.Status.DONE, file=DOCUMENT.removeprefix("media/"))
    (media_root / "documents" / "1" / "1").mkdir(parents=True)
    (media_root / "documents" / "1" / "1" / "report.pdf").write_bytes(OURS)
    (tmp_path / ".env").write_bytes(SECRET)
    return director, document


@pytest.fixture
def ours(site, tmp_path):
    """Highlight's own backup of the site; then someone signs up after it was made."""
    path = tmp_path / "ours.tar.gz"
    make_backup(path)
    UserFactory(username="after-the-backup")
    return path


def database_file():
    return "database.dump" if connection.vendor == "postgresql" else "database.json"


def link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def folder(name):
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    return info, None


def regular(name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    return info, io.BytesIO(content)


class Zeros:
    """A member's content made as it is read: a gigabyte that never sits in memory or on disk."""

    def read(self, size=-1):
        return bytes(size)


def tampered(backup, add=(), drop=(), manifest=None):
    """`backup` rewritten with members dropped and added and its manifest changed (a value
    of None removes the key), as an attacker would."""
    out = backup.with_name("tampered.tar.gz")
    with tarfile.open(backup) as source, tarfile.open(out, "w:gz", compresslevel=1) as target:
        saved = json.load(source.extractfile("manifest.json"))
        for key, value in (manifest or {}).items():
            saved.pop(key) if value is None else saved.__setitem__(key, value)
        for member in source.getmembers():
            if member.name not in (*drop, "manifest.json"):
                target.addfile(member, source.extractfile(member))
        for info, content in add:
            target.addfile(info, content)
        target.addfile(*regular("manifest.json", json.dumps(saved).encode()))
    return out


def with_huge_document(backup, size, stated):
    """`backup` with a document of `size` zero bytes that its manifest says is `stated`."""
    huge = tarfile.TarInfo("media/documents/1/1/huge.pdf")
    huge.size = size
    with tarfile.open(backup) as archive:
        files = json.load(archive.extractfile("manifest.json"))["files"]
    return tampered(backup, add=[(huge, Zeros())],
                    manifest={"media_files": 2, "files": {**files, huge.name: stated}})  # fmt: skip


def through_long_paths(name, escape_to):
    """CVE-2025-4517: links through folders whose resolved path is longer than the system
    resolves, so tarfile's data filter takes `media/escape` for a link inside the folder;
    then `media/escape/<name>` is written through it."""
    members, path, long = [], "media", "d" * 247
    steps = "abcdefghijklmnop"
    for step in steps:
        members += [folder(f"{path}/{long}"), link(f"{path}/{step}", long)]
        path = f"{path}/{long}"
    chain = "media/" + "/".join(steps) + "/" + "l" * 254
    members.append(link(chain, "../" * len(steps)))
    members.append(link("media/escape", chain.removeprefix("media/") + "/.." * escape_to))
    members.append(regular(f"media/escape/{name}", b"SECRET_KEY=the attacker's\n"))
    return members


TRICKS = {
    # The document becomes the database dump, password hashes and all.
    "a hard link to the database": (
        lambda: {"drop": [DOCUMENT], "add": [link(DOCUMENT, database_file(), tarfile.LNKTYPE)]},
        "'media/documents/1/1/report.pdf' is a hard link",
    ),
    # Inside the unpack folder when unpacked; beside the documents folder once moved there.
    "a symbolic link inside": (
        lambda: {"drop": [DOCUMENT], "add": [link(DOCUMENT, "../../../../.env")],
                 "manifest": {"media_files": 0}},
        "'media/documents/1/1/report.pdf' is a symbolic link",
    ),
    "a symbolic link outside": (
        lambda: {"drop": [DOCUMENT], "add": [link(DOCUMENT, "../../../../../.env")]},
        "'media/documents/1/1/report.pdf' is a symbolic link",
    ),
    "links through long nested paths": (
        lambda: {"add": through_long_paths(".env", escape_to=3)},
        "'media/a' is a symbolic link",
    ),
}  # fmt: skip


def download(client, director, document):
    client.force_login(director)
    response = client.get(f"/documents/{document.pk}/download/")
    return b"".join(response.streaming_content) if response.status_code == 200 else b""


def refused(backup, reason):
    with pytest.raises(CommandError) as error:
        call_command("restore", str(backup), interactive=False)
    message = str(error.value)
    assert "This is not a backup Highlight made" in message, message
    assert reason in message and message.endswith("Nothing was changed."), message


def nothing_changed(site, media_root, tmp_path, client):
    director, document = site
    assert User.objects.filter(username="after-the-backup").exists()  # not restored over
    assert (tmp_path / ".env").read_bytes() == SECRET  # not overwritten
    assert download(client, director, document) == OURS  # neither the secret nor the dump
    on_disk = sorted(p.relative_to(media_root).as_posix() for p in media_root.rglob("*"))
    assert on_disk == ["documents", "documents/1", "documents/1/1", "documents/1/1/report.pdf"]


@pytest.mark.parametrize("trick", TRICKS)
def test_a_backup_with_a_link_is_refused_and_changes_nothing(
    trick, site, ours, media_root, tmp_path, client
):
    how, reason = TRICKS[trick]
    refused(tampered(ours, **how()), reason)
    nothing_changed(site, media_root, tmp_path, client)


def test_a_huge_member_is_refused_before_anything_is_unpacked(
    site, ours, media_root, tmp_path, client, monkeypatch
):
    """A 5 MB archive holding a 1 GiB document that its manifest says is 1,000 bytes."""
    bomb = with_huge_document(ours, GIB, stated=1000)
    assert bomb.stat().st_size < 6_000_000
    written = []
    monkeypatch.setattr(unpacking, "_write", lambda *args: written.append(args))

    refused(bomb, "'media/documents/1/1/huge.pdf' is 1,073,741,824 bytes; its manifest says 1,000")

    assert not written  # refused from the headers, before a byte was unpacked
    nothing_changed(site, media_root, tmp_path, client)


def test_a_backup_unpacking_to_more_than_the_disk_holds_is_refused(
    site, ours, media_root, tmp_path, client, monkeypatch
):
    """Its manifest agrees with it, so only the free space stops it."""
    bomb = with_huge_document(ours, 10_000_000, stated=10_000_000)
    free = SimpleNamespace(free=5_000_000)
    monkeypatch.setattr(unpacking.shutil, "disk_usage", lambda path: free)

    refused(bomb, "and the documents' disk has 5,000,000 free")
    nothing_changed(site, media_root, tmp_path, client)


def test_a_backup_from_before_sizes_were_recorded_restores_within_the_cap(
    site, ours, media_root, tmp_path, client, settings
):
    older = tampered(ours, manifest={"files": None})
    settings.RESTORE_MAX_BYTES = 1000

    refused(older, "more than RESTORE_MAX_BYTES (1,000) allows")
    nothing_changed(site, media_root, tmp_path, client)

    settings.RESTORE_MAX_BYTES = 20 * GIB  # the default
    call_command("restore", str(older), interactive=False)
    assert not User.objects.filter(username="after-the-backup").exists()
    director, document = site
    assert download(client, User.objects.get(username="diana"), document) == OURS


def test_a_backup_whose_manifest_agrees_is_capped_too(
    site, ours, media_root, tmp_path, client, settings
):
    """A crafted manifest may list whatever sizes its members have: the cap holds for every
    backup, not only for those whose manifest lists none (found by the hostile review)."""
    settings.RESTORE_MAX_BYTES = 1000
    refused(ours, "more than RESTORE_MAX_BYTES (1,000) allows")
    nothing_changed(site, media_root, tmp_path, client)


@pytest.mark.parametrize(
    "manifest",
    [b"[" * 200_000, b'{"format": 1, "engine": "postgresql", "migrations": {"projects": 5}, '
     b'"counts": {}, "media_files": 0, "made_at": "x"}'],
    ids=["nested too deep", "migrations not names"],
)  # fmt: skip
def test_a_malformed_manifest_is_refused_not_a_traceback(db, manifest, tmp_path):
    path = tmp_path / "crafted.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    with pytest.raises(CommandError, match="not a Highlight backup.*Nothing was changed"):
        call_command("restore", str(path), interactive=False)


def test_a_member_longer_than_it_states_is_cut_off(tmp_path):
    """tarfile reads a member's stated size; the copy is capped all the same."""
    with pytest.raises(unpacking.Refused, match="more than the 10 bytes it states"):
        unpacking._write(io.BytesIO(b"x" * (10 + unpacking.CHUNK)), tmp_path / "a.pdf", 10)


def test_a_link_left_in_the_documents_folder_is_not_served(site, media_root, tmp_path, client):
    """Written before restores refused links: the download, the logo and the PDFs' logo
    treat a file reached through a link as missing."""
    director, document = site
    report = media_root / "documents" / "1" / "1" / "report.pdf"
    report.unlink()
    report.symlink_to(tmp_path / ".env")
    assert download(client, director, document) == b""
    assert client.get(f"/documents/{document.pk}/download/").status_code == 404

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "logo-0123456789abcdef.png").write_bytes(SECRET)
    (media_root / "organisation").symlink_to(elsewhere, target_is_directory=True)
    organisation = Organisation.current()
    organisation.logo.name = "organisation/logo-0123456789abcdef.png"
    organisation.save()
    assert client.get("/settings/organisation/logo.png").status_code == 404
    assert static_path(f"{MEDIA_BASE}organisation/logo-0123456789abcdef.png") is None


def test_a_backup_leaves_out_links_in_the_documents_folder(site, media_root, tmp_path):
    (media_root / "documents" / "1" / "1" / "link.pdf").symlink_to(tmp_path / ".env")
    manifest = make_backup(tmp_path / "b.tar.gz")
    assert manifest["media_files"] == 1
    assert sorted(manifest["files"]) == [database_file(), DOCUMENT]
    assert manifest["files"][DOCUMENT] == len(OURS)


def test_our_own_backup_unpacks_to_what_its_manifest_lists(site, tmp_path):
    manifest = make_backup(tmp_path / "b.tar.gz")
    work = tmp_path / "work"
    work.mkdir()
    with tarfile.open(tmp_path / "b.tar.gz") as archive:
        unpacking.unpack(archive, manifest, work)
    unpacked = {p.relative_to(work).as_posix(): p.stat().st_size
                for p in work.rglob("*") if p.is_file()}  # fmt: skip
    assert unpacked == {**manifest["files"], "manifest.json": unpacked["manifest.json"]}
    assert (work / DOCUMENT).read_bytes() == OURS
    assert not [p for p in work.rglob("*") if p.is_symlink()]
    assert Path(work / database_file()).stat().st_size == manifest["files"][database_file()]
