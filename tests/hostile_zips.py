"""Workbooks whose zip is tampered with, as an attacker would: a part whose bytes no longer
match its checksum, a part flagged as encrypted, and a part packed with a compression method
no spreadsheet program uses. zipfile raises BadZipFile, RuntimeError and NotImplementedError
for them, half-way through reading."""

import io
import struct
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"


def stored_workbook():
    """A small register workbook with every part stored (not deflated), so that its bytes
    can be changed in place."""
    book = Workbook()
    book.active.append(["Ref", "Risk"])
    book.active.append(["R1", "Flooding of the depot"])
    out = io.BytesIO()
    book.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as target:
        for item in source.infolist():
            data = source.read(item)
            item.compress_type = zipfile.ZIP_STORED
            target.writestr(item, data)
    return bytearray(stored.getvalue())


def _headers(data, name):
    """Offsets of `name`'s local header and of its entry in the central directory."""
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name).header_offset
    at = data.index(CENTRAL)
    while True:
        length, extra, comment = struct.unpack("<HHH", data[at + 28 : at + 34])
        if data[at + 46 : at + 46 + length] == name.encode():
            return local, at
        at += 46 + length + extra + comment


def bad_crc():
    """One byte of the worksheet's data flipped: its CRC-32 no longer matches."""
    data = stored_workbook()
    local, _ = _headers(data, SHEET)
    length, extra = struct.unpack("<HH", data[local + 26 : local + 30])
    start = local + 30 + length + extra
    size = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHEET).compress_size
    data[start + size // 2] ^= 0x01
    return bytes(data)


def _patched(flag_bits=0, method=None):
    data = stored_workbook()
    local, central = _headers(data, SHEET)
    # (header, offset of its general-purpose flags, offset of its compression method)
    for at, flags_at, method_at in ((local, 6, 8), (central, 8, 10)):
        (flags,) = struct.unpack("<H", data[at + flags_at : at + flags_at + 2])
        data[at + flags_at : at + flags_at + 2] = struct.pack("<H", flags | flag_bits)
        if method is not None:
            data[at + method_at : at + method_at + 2] = struct.pack("<H", method)
    return bytes(data)


def encrypted_member():
    """The worksheet flagged as encrypted (bit 0x1), in its local and central headers."""
    return _patched(flag_bits=0x1)


def unknown_compression():
    """The worksheet's compression method set to 99, which zipfile cannot unpack."""
    return _patched(method=99)


def style_bomb():
    """A few kilobytes that list a million cell formats (the hostile review's 12 KB file
    took openpyxl 19 s and 639 MB to open)."""
    source = zipfile.ZipFile(io.BytesIO(bytes(stored_workbook())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/styles.xml":
                data = data.replace(b"</cellXfs>", b"<xf/>" * 1_000_000 + b"</cellXfs>")
            target.writestr(item.filename, data)
    return out.getvalue()


HOSTILE_ZIPS = [
    (bad_crc, "does not match its checksum"),
    (encrypted_member, "Part of the workbook is encrypted"),
    (unknown_compression, "compression method spreadsheet programs do not use"),
    (style_bomb, "more than Excel itself allows"),
]
HOSTILE_ZIP_IDS = ["bad CRC", "encrypted member", "unknown compression method", "style bomb"]
