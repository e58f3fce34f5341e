"""make backup / make restore: the demo data and its documents come back exactly, and a bad
or foreign backup is refused with its reason and changes nothing. On PostgreSQL (CI) this
runs pg_dump and pg_restore; on SQLite, dumpdata and loaddata."""

import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from projects.backups import (
    FORMAT,
    BackupError,
    applied_migrations,
    check_same_migrations,
    make_backup,
)
from projects.models import HighlightReport, Project, User
from reports.models import Document
from reports.services import render_source
from tests.pdf import pdf_text

PASSWORD = os.environ.get("DEMO_PASSWORD", "highlight-demo")


def rows():
    """Rows in every table, the many-to-many ones too (group memberships, editors). Not the
    audit's: a restore records itself (tests/test_projects/test_audit.py)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label not in ("contenttypes.ContentType", "auth.Permission")
        and model._meta.label not in ("sessions.Session", "projects.AuditEvent")
    }


def documents_on_disk(media_root):
    return {p.relative_to(media_root).as_posix(): p.read_bytes() for p in media_root.rglob("*.pdf")}


def rendered_text(report):
    pdf, _, _ = render_source("highlight_report", report, {})
    return pdf_text(pdf.content)


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback, media_root):
    call_command("seed_demo", allow_live=True, samples_only=True, verbosity=0)
    assert Document.objects.filter(status="done").count() >= 2  # seed_demo renders some


def test_backup_and_restore_round_trip_the_demo(demo, media_root, tmp_path, capsys):
    before = rows()
    files = documents_on_disk(media_root)
    texts = {name: pdf_text(content) for name, content in files.items()}
    approved = HighlightReport.objects.filter(status="approved").order_by("pk").first()
    approved_text = rendered_text(approved)
    backup = tmp_path / "backups" / "highlight.tar.gz"

    call_command("backup", output=str(backup))
    assert f"documents to {backup}" in capsys.readouterr().out

    # Then a bad day: a project deleted with its reports, a stray account, someone taken out
    # of the PMO, the documents lost.
    Project.objects.get(code="SORPv.1").delete()
    User.objects.create_user("intruder", password="x" * 16)
    User.objects.get(username="pmo").groups.clear()
    for path in media_root.rglob("*.pdf"):
        path.unlink()
    assert rows() != before

    call_command("restore", str(backup), interactive=False)

    assert rows() == before
    assert documents_on_disk(media_root) == files
    for document in Document.objects.filter(status="done"):
        content = Path(document.file.path).read_bytes()
        assert hashlib.sha256(content).hexdigest() == document.sha256
        assert pdf_text(content) == texts[document.file.name]
    assert rendered_text(HighlightReport.objects.get(pk=approved.pk)) == approved_text
    assert not User.objects.filter(username="intruder").exists()
    assert User.objects.get(username="pmo").groups.filter(name="PMO").exists()
    # People sign in with the passwords they had.
    assert User.objects.get(username="director").check_password(PASSWORD)


def archive(tmp_path, manifest=None, members=None):
    path = tmp_path / "crafted.tar.gz"
    entries = {"manifest.json": json.dumps(manifest).encode()} if manifest else {}
    entries.update(members or {})
    with tarfile.open(path, "w:gz") as tar:
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def manifest_like_ours(**changes):
    return {"format": FORMAT, "made_at": "2026-11-23T10:00:00+00:00",
            "engine": connection.vendor, "migrations": applied_migrations(), "counts": {},
            "media_files": 0, **changes}  # fmt: skip


# Incompressible, so that half of the archive is well inside it.
BIG = {"database.json": os.urandom(200_000).hex().encode()}

BAD_BACKUPS = {
    "not a backup at all": (lambda tmp: _write(tmp, b"PK\x03\x04 a spreadsheet, say"),
                            "cannot be read"),
"cut short in the copy": (
        lambda tmp: _write(tmp, _half(archive(tmp, manifest_like_ours(), BIG).read_bytes())),
        "cannot be read"),
    "an archive without a manifest": (lambda tmp: archive(tmp, members={"notes.txt": b"hi"}),
                                      "not a Highlight backup"),
    "from a newer Highlight": (
        lambda tmp: archive(tmp, manifest_like_ours(migrations={"projects": ["9999_future"]})),
        "made by a newer Highlight"),
    "of the other database engine": (
        lambda tmp: archive(tmp, manifest_like_ours(engine="oracle")), "backup is of a oracle"),
    "missing a document it lists": (
        lambda tmp: archive(tmp, manifest_like_ours(media_files=2),
                            {"media/documents/1/1/a.pdf": b"%PDF-1.7"}),
        "should hold 2 documents, but holds 1"),
    "with a path out of the folder": (
        lambda tmp: archive(tmp, manifest_like_ours(), {"../../escaped.txt": b"x"}),
        "'../../escaped.txt' is not a name inside the backup"),
    "with an absolute path": (
        lambda tmp: archive(tmp, manifest_like_ours(), {"/etc/cron.d/highlight": b"x"}),
        "'/etc/cron.d/highlight' is not a name inside the backup"),
    "with a file of its own": (
        lambda tmp: archive(tmp, manifest_like_ours(), {"run-me.sh": b"x"}),
        "'run-me.sh' is not a part of a Highlight backup"),
    "with a pipe": (lambda tmp: special(tmp, "media/pipe", tarfile.FIFOTYPE),
                    "'media/pipe' is a device or a pipe"),
    "with a device": (lambda tmp: special(tmp, "media/disk", tarfile.BLKTYPE),
                      "'media/disk' is a device or a pipe"),
    "with a file its manifest does not list": (
        lambda tmp: archive(tmp, manifest_like_ours(files={}), {"media/a.pdf": b"%PDF"}),
        "'media/a.pdf' is not in its manifest"),
    "without a file its manifest lists": (
        lambda tmp: archive(tmp, manifest_like_ours(files={"media/a.pdf": 4})),
        "it lacks 'media/a.pdf', which its manifest lists"),
    "with a file twice": (
        lambda tmp: special(tmp, "media/a.pdf", tarfile.REGTYPE, twice=True),
        "'media/a.pdf' appears twice"),
}  # fmt: skip


def special(tmp, name, kind, twice=False):
    """A backup with a member of `kind` (a pipe, a device), or a file written twice."""
    path = archive(tmp, manifest_like_ours())
    with tarfile.open(path) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(path, "w:gz") as tar:
        for member, data in members:
            tar.addfile(member, io.BytesIO(data))
        for _ in range(2 if twice else 1):
            info = tarfile.TarInfo(name)
            info.type = kind
            tar.addfile(info)
    return path


def _write(tmp, content):
    path = tmp / "bad.tar.gz"
    path.write_bytes(content)
    return path


def _half(content):
    return content[: len(content) // 2]


@pytest.mark.parametrize("what", BAD_BACKUPS)
def test_a_bad_backup_is_refused_and_changes_nothing(what, report, media_root, tmp_path):
    make, message = BAD_BACKUPS[what]
    (media_root / "documents").mkdir(parents=True)
    (media_root / "documents" / "kept.pdf").write_bytes(b"%PDF-1.7 kept")
    bad = make(tmp_path)
    before = rows()

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(bad), interactive=False)

    assert message in str(refused.value) and "Nothing was changed." in str(refused.value)
    assert rows() == before
    assert [p.name for p in media_root.rglob("*") if p.is_file()] == ["kept.pdf"]
    assert not list(media_root.glob(".restore-*"))  # no unpacked leftovers
    assert not (tmp_path.parent / "escaped.txt").exists()


def test_restore_asks_before_replacing_everything(report, tmp_path, monkeypatch):
    backup = archive(tmp_path, manifest_like_ours())
    report.summary = "Typed after the backup"
    report.save()
    monkeypatch.setattr("builtins.input", lambda prompt: "no")

    with pytest.raises(CommandError, match="cancelled; nothing was changed"):
        call_command("restore", str(backup))

    report.refresh_from_db()
    assert report.summary == "Typed after the backup"


def test_on_sqlite_a_backup_from_before_an_upgrade_is_refused(db):
    """loaddata cannot run the data migrations a backup has not seen (PostgreSQL backups
    are migrated after pg_restore instead)."""
    older = manifest_like_ours()
    older["migrations"]["projects"].remove("0006_pmo_configures")
    with pytest.raises(BackupError, match="made before an upgrade .*projects.0006_pmo"):
        check_same_migrations(older)
    check_same_migrations(manifest_like_ours())  # the same Highlight: accepted


def test_a_backup_leaves_out_half_written_files(demo, media_root, tmp_path):
    (media_root / "documents" / "9" / "1").mkdir(parents=True)
    (media_root / "documents" / "9" / "1" / ".tmp-abc.pdf").write_bytes(b"%PDF-1.7 half")
    backup = tmp_path / "b.tar.gz"

    manifest = make_backup(backup)

    with tarfile.open(backup) as saved:
        names = saved.getnames()
    assert not [name for name in names if ".tmp-" in name]
    assert manifest["media_files"] == len([n for n in names if n.startswith("media/")]) >= 2
    assert not list(tmp_path.glob("*.partial"))
