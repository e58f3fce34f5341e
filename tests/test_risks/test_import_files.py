"""A register file as a whole: a sheet whose stated size is stale or huge, a CSV with a giant
cell, and what is kept of an upload between its preview and its confirmation."""

import io
import re
import zipfile

import pytest

from risks.importers import ImportFailed, import_register
from risks.models import CorporatePriority
from tests.test_risks.test_import import HEADER, ROW, snapshot, workbook


def with_dimension(content, ref):
    """The workbook with its sheet's stated size rewritten (stale or huge)."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]+"', f'<dimension ref="{ref}"'.encode(), data)
            target.writestr(item, data)
    return out.getvalue()


def test_a_stale_sheet_size_does_not_hide_rows(register):
    second = list(ROW)
    second[0] = "R2"
    content = with_dimension(workbook(ROW, second), "A1:F2")
    assert import_register(register, content, "r.xlsx").created == 2


def test_a_huge_stated_sheet_size_costs_nothing(register):
    content = with_dimension(workbook(ROW), "A1:XFD2000")
    assert import_register(register, content, "r.xlsx").created == 1


def test_a_csv_with_a_giant_cell_is_refused_cleanly(register):
    text = ",".join(HEADER) + "\n" + "R1," + '"' + "x" * 200_000 + '"\n'
    with pytest.raises(ImportFailed, match="The CSV file cannot be read"):
        import_register(register, text.encode(), "big.csv")


def test_a_new_preview_discards_the_last_unconfirmed_upload(
    client_for, register, alice, media_root
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_risks.conftest import SAMPLE

    CorporatePriority.objects.create(name="Dacorum Delivers")  # the PMO's list has it
    client = client_for(alice)
    for _ in range(3):
        client.post(
            f"/risks/{register.slug}/import/",
            {"file": SimpleUploadedFile("s.xlsx", SAMPLE.read_bytes())},
        )
    assert len(list((media_root / "imports").iterdir())) == 1
    assert snapshot() == []


def test_a_cell_longer_than_any_spreadsheet_writes_is_refused_and_nothing_changes(register):
    # No program writes such a cell (openpyxl itself cuts a worksheet's cells there); a
    # crafted CSV would make each import hold a worker.
    row = list(ROW)
    row[1] = "A risk " + " " * 40_000 + "described at length"
    content = "\n".join([",".join(HEADER), ",".join(f'"{cell}"' for cell in row)]).encode()
    before = snapshot()
    with pytest.raises(ImportFailed, match="a cell of 40,026 characters.*nothing was imported"):
        import_register(register, content, "long.csv")
    assert snapshot() == before
