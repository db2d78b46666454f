"""Demo evidence documents: small, valid one-page PDFs built in code, uploaded like a provider's file.

The demo's verified and kitemarked organisations carry the documents the product's rules ask for (a
safeguarding policy, accreditation certificates). They are built here rather than shipped as files so each
names its organisation, and they go through the evidence services as a ``FileStorage`` so they are sniffed,
checked and stored exactly like a real upload.
"""

from __future__ import annotations

import io

from werkzeug.datastructures import FileStorage


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(lines: list[str]) -> bytes:
    """A minimal valid PDF (one A4 page of Helvetica text), with a correct cross-reference table."""
    text = "\n".join(f"({_escape(line)}) Tj 0 -18 Td" for line in lines)
    stream = f"BT /F1 12 Tf 56 780 Td\n{text}\nET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_upload(filename: str, lines: list[str]) -> FileStorage:
    """The PDF as the upload a form would hand the evidence services."""
    return FileStorage(stream=io.BytesIO(pdf_bytes(lines)), filename=filename, content_type="application/pdf")
