"""The PDF report: the HTML report laid out by the real WeasyPrint and read back with pypdf;
no URL the page could name is ever fetched."""

from __future__ import annotations

import copy
import io
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from audited_workspace import Audited
from PIL import Image
from pypdf import PdfReader

from charter.domain.errors import InputError
from charter.reports.formats import AuditFormat, infer_format, render_audit, render_audit_bytes
from charter.reports.html import render_html
from charter.reports.pdf import PDF_INSTALL_HINT, html_to_pdf, load_weasyprint, render_pdf

FINDINGS_HEADER = "severity requirement finding location crosswalk"


def _pages(pdf: bytes) -> list[str]:
    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    """Text without whitespace: a cell's line breaks fall anywhere in a sentence."""
    return "".join(text.split())


class _Recorder:
    """A real local HTTP server that records every GET and answers with a PNG or CSS."""

    def __init__(self, png: bytes) -> None:
        self.paths: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                recorder.paths.append(self.path)
                css = self.path.endswith(".css")
                body = b"body { color: red }" if css else png
                self.send_response(200)
                self.send_header("Content-Type", "text/css" if css else "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Recorder]:
    for variable in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(variable, raising=False)  # loopback requests stay on loopback
    server = _Recorder(_png())
    yield server
    server.close()


def test_the_report_reads_back_with_numbered_pages(audited: Audited) -> None:
    document = audited.document
    pages = _pages(render_pdf(document, audited.packs))
    text = "\n".join(pages)
    assert len(pages) > 1, "the sample's findings fill several pages"
    assert f"Compliance audit: {document['partner']}" in pages[0]
    assert document["summary"]["status"] == "non_compliant"
    assert "Non-compliant" in pages[0]
    assert f"{document['summary']['score']:.1f} / 100" in pages[0]
    failing = [f for f in document["findings"] if f["status"] == "fail"]
    assert failing
    for finding in failing:
        assert finding["requirement"] in text
        assert _flat(finding["message"]) in _flat(text)
    # @page: every page carries "n / total" at the bottom right
    for number, page in enumerate(pages, start=1):
        assert page.rstrip().endswith(f"{number} / {len(pages)}")
    # the findings table repeats its header on every page it runs onto
    with_rows = [page for page in pages if "Remediation:" in page]
    assert len(with_rows) > 1
    assert all(FINDINGS_HEADER in page for page in with_rows)
    # the coverage gaps, collapsed on screen, are printed open
    gaps = _flat(text[text.rindex("Coverage gaps") :])
    gap = next(f for f in document["findings"] if f["status"] == "not_assessed")
    assert gap["requirement"] in gaps
    assert gap["check"] in gaps


def test_format_dispatch_gives_pdf_bytes_and_text_formats_in_utf8(audited: Audited) -> None:
    assert infer_format("audit.PDF") is AuditFormat.PDF
    assert AuditFormat.PDF.binary
    assert not any(fmt.binary for fmt in AuditFormat if fmt is not AuditFormat.PDF)
    html = render_audit_bytes(AuditFormat.HTML, audited.document, audited.packs)
    assert html == render_html(audited.document, audited.packs).encode("utf-8")
    with pytest.raises(ValueError, match="binary"):
        render_audit(AuditFormat.PDF, audited.document, audited.packs)


def test_urls_in_the_page_are_never_fetched(recorder: _Recorder, tmp_path: Path) -> None:
    """The report names no URL (test_html.py checks it); were one to slip in, WeasyPrint's
    fetcher refuses it: the loopback server sees no request, no local file is embedded."""
    local = tmp_path / "local.png"
    local.write_bytes(_png())
    page = (
        "<!DOCTYPE html><html><head>"
        f'<link rel="stylesheet" href="{recorder.url("linked.css")}">'
        f'<style>@import url("{recorder.url("imported.css")}");'
        f'@font-face {{ font-family: Remote; src: url("{recorder.url("font.woff")}") }}'
        f'body {{ background: url("{recorder.url("background.png")}") }}</style>'
        f'</head><body><p>refused</p><img src="{recorder.url("image.png")}">'
        f'<img src="{local.as_uri()}"></body></html>'
    )
    pdf = html_to_pdf(page)
    assert recorder.paths == []
    assert "refused" in _pages(pdf)[0]
    assert list(PdfReader(io.BytesIO(pdf)).pages[0].images) == []
    # The same page with WeasyPrint's own fetcher does fetch: the check above can fail.
    fetched = load_weasyprint().HTML(string=page, base_url=None).write_pdf()
    assert "/image.png" in recorder.paths
    assert "/linked.css" in recorder.paths
    assert len(list(PdfReader(io.BytesIO(fetched)).pages[0].images)) >= 2


def test_markup_in_a_finding_is_printed_as_text_not_fetched(
    recorder: _Recorder, audited: Audited
) -> None:
    document = copy.deepcopy(audited.document)
    hostile = f'<img src="{recorder.url("tracker.png")}"> leaked'
    document["partner"] = hostile
    document["findings"][0]["message"] = hostile
    pages = _pages(render_pdf(document, audited.packs))
    assert recorder.paths == []
    assert _flat(hostile) in _flat(pages[0])


def test_without_weasyprint_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # what `import` sees when absent
    with pytest.raises(InputError) as raised:
        load_weasyprint()
    (problem,) = raised.value.problems
    assert str(problem) == f"--format pdf: {PDF_INSTALL_HINT}"
    assert "pip install 'charter[pdf]'" in str(problem)
    assert "\n" not in str(problem)
