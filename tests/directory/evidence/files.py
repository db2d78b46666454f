"""Minimal real files (and malicious ones) built in memory for upload tests."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

DOCX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
DOCX_DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>Safeguarding policy</w:t></w:r></w:p></w:body></w:document>"
)


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png() -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")


def jpeg() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"


def _zip(entries: list[tuple[str, bytes]], *, first_stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(entries):
            method = zipfile.ZIP_STORED if first_stored and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def docx() -> bytes:
    return _zip(
        [
            ("[Content_Types].xml", DOCX_CONTENT_TYPES),
            ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
            ("word/document.xml", DOCX_DOCUMENT),
        ]
    )


def odt() -> bytes:
    return _zip(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest/>'),
            ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
        ],
        first_stored=True,
    )


def docx_without_document() -> bytes:
    return _zip([("[Content_Types].xml", DOCX_CONTENT_TYPES), ("word/styles.xml", b"<styles/>")])


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def svg() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


def mz() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 120 + b"PE\x00\x00"


def zip_bomb_docx(megabytes: int = 200) -> bytes:
    """A DOCX whose document.xml is ``megabytes`` of zeros, deflated to a few hundred KB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_CONTENT_TYPES)
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(megabytes):
                entry.write(chunk)
    return buffer.getvalue()


def lying_zip_docx() -> bytes:
    """A DOCX whose document.xml declares 1,000 bytes but inflates to 5 MB of zeros."""
    data = bytearray(
        _zip([("[Content_Types].xml", DOCX_CONTENT_TYPES), ("word/document.xml", b"\x00" * (5 * 1024 * 1024))])
    )
    name = b"word/document.xml"
    info = next(i for i in zipfile.ZipFile(io.BytesIO(bytes(data))).infolist() if i.filename == name.decode())
    struct.pack_into("<I", data, info.header_offset + 22, 1000)  # local header: uncompressed size
    position = data.find(b"PK\x01\x02" + bytes(0))
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == name:
            struct.pack_into("<I", data, position + 24, 1000)  # central directory: uncompressed size
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def many_entries_docx(count: int = 1200) -> bytes:
    entries = [("[Content_Types].xml", DOCX_CONTENT_TYPES), ("word/document.xml", DOCX_DOCUMENT)]
    entries += [(f"word/media/part{index}.xml", b"<x/>") for index in range(count)]
    return _zip(entries)


GOOD_FILES = {
    "pdf": (pdf, "application/pdf"),
    "png": (png, "image/png"),
    "jpeg": (jpeg, "image/jpeg"),
    "docx": (docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": (odt, "application/vnd.oasis.opendocument.text"),
}
