"""A 49,000-row workbook through the import page with a real worker (issue 17, finding 5):
its preview held a request for 19 s and its confirmation was killed by gunicorn's 30 s
timeout. Now each request only keeps the file or queues the job and answers at once, and
the page shows the worker's progress until the preview, then the import, is done."""

import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from risks.models import Risk, RiskMatrix
from tests.conftest import need
from tests.factories import RiskRegisterFactory
from tests.imports import token_of
from tests.workers import REDIS_URL, Worker, own_keys, redis_available, sending_to

ROWS = 49_000
PROGRESS = re.compile(r'<progress class="w-100" value="(\d+)" max="(\d+)"')


@pytest.fixture
def worker(transactional_db, django_db_serialized_rollback, media_root, tmp_path):
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    need(redis_available(), f"Redis at {REDIS_URL}")
    # Under keys of its own: another run's worker on the same Redis never takes its jobs.
    with own_keys() as prefix:
        process = Worker(tmp_path / "worker.log", key_prefix=prefix)
        try:
            with sending_to(REDIS_URL, prefix):
                yield process
        finally:
            process.stop()


def big_register(rows):
    """A register of `rows` risks, each with the columns an import needs (4 MB of xlsx)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Register")
    sheet.append(["Ref", "Risk", "Inherent Probability", "Inherent Impact",
                  "Residual Probability", "Residual Impact"])  # fmt: skip
    for n in range(1, rows + 1):
        sheet.append([f"R{n}", f"Risk number {n}", 1 + n % 5, 1 + n % 4, 1, 1])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def timed(call):
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


def watch(client, url, until, worker, seconds=300):
    """Poll the job's page as its page does; returns (final page, progress values seen,
    slowest poll in seconds)."""
    seen, slowest = [], 0.0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response, took = timed(lambda: client.get(url))
        slowest = max(slowest, took)
        page = response.content.decode()
        seen += [(int(d), int(m)) for d, m in PROGRESS.findall(page)]
        if until in page or "The file cannot be imported" in page:
            return page, seen, slowest
        time.sleep(0.3)
    raise AssertionError(f"{until!r} not shown in {seconds} s\n{worker.output()[-3000:]}")


@pytest.mark.worker
def test_a_49000_row_upload_answers_at_once_and_shows_its_progress(worker, alice):
    register = RiskRegisterFactory(name="Everything", matrix=RiskMatrix.objects.get(name="5x5"),
                                   owner=alice)  # fmt: skip
    content = big_register(ROWS)
    client = Client()
    client.force_login(alice)
    url = reverse("risks:register-import", args=[register.slug])

    posted, upload_seconds = timed(
        lambda: client.post(url, {"file": SimpleUploadedFile("big.xlsx", content)})
    )
    assert posted.status_code == 302
    assert upload_seconds < 2, f"the upload held its request for {upload_seconds:.1f} s"
    started = time.monotonic()
    page, seen, slowest = watch(client, posted["Location"], "What the file would do", worker)
    preview_seconds = time.monotonic() - started
    assert f"{ROWS} rows read: <strong>{ROWS} new</strong>" in page, page[-3000:]
    # The bar moved while the worker read and checked the rows.
    moving = sorted({done for done, total in seen if 0 < done < total})
    assert len(moving) >= 2, seen
    assert slowest < 2, f"a look at the progress took {slowest:.1f} s"

    confirm = reverse("risks:register-import-confirm", args=[register.slug])
    confirmed, confirm_seconds = timed(lambda: client.post(confirm, {"token": token_of(page)}))
    assert confirmed.status_code == 302
    assert confirm_seconds < 2, f"the confirmation held its request for {confirm_seconds:.1f} s"
    started = time.monotonic()
    done, _, slowest = watch(client, confirmed["Location"], "Imported big.xlsx", worker)
    import_seconds = time.monotonic() - started
    assert f"Imported big.xlsx: {ROWS} created, 0 updated, 0 unchanged." in done
    assert Risk.objects.filter(register=register).count() == ROWS
    print(  # the figures the note quotes (pytest -s shows them)
        f"\nupload request {upload_seconds:.2f} s, preview {preview_seconds:.0f} s, "
        f"confirm request {confirm_seconds:.2f} s, import {import_seconds:.0f} s, "
        f"slowest poll {slowest:.2f} s, progress seen {len(moving)} times"
    )
