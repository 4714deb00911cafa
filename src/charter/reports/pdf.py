"""The PDF report: the HTML report laid out for print by WeasyPrint.

WeasyPrint is the optional ``pdf`` extra and needs Pango, so it loads only when a PDF is
made. The page is self-contained (inline CSS and SVG), so WeasyPrint gets a URL fetcher that
refuses every URL: nothing a document carries can make rendering reach the network or read
a local file.
"""

from __future__ import annotations

from typing import Any, NoReturn

from charter.domain.errors import InputError, InputProblem, Location
from charter.domain.guidelines import Pack
from charter.reports.html import render_html

PDF_INSTALL_HINT = "PDF reports need the pdf extra: pip install 'charter[pdf]'"
PANGO_INSTALL_HINT = (
    "PDF reports need Pango: install its system packages "
    "(Debian: libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)"
)


class ResourceRefusedError(ValueError):
    """A URL in the page: the report embeds everything it shows, so nothing is fetched."""


def render_pdf(
    document: dict[str, Any], packs: list[Pack], trends: list[dict[str, Any]] | None = None
) -> bytes:
    """The audit as a PDF: the HTML report, printed on A4 with numbered pages."""
    return html_to_pdf(render_html(document, packs, trends))


def html_to_pdf(page: str) -> bytes:
    """Lay out a self-contained HTML page as PDF; every URL it names is refused (WeasyPrint
    then renders without that resource)."""
    weasyprint = load_weasyprint()
    pdf: bytes = weasyprint.HTML(
        string=page, base_url=None, url_fetcher=_refusing_fetcher(weasyprint)
    ).write_pdf()
    return pdf


def load_weasyprint() -> Any:
    """The ``weasyprint`` module (untyped), or ``InputError`` with the install hint when it
    or Pango is missing."""
    import contextlib
    import io

    try:
        # When Pango is missing WeasyPrint prints a banner to stdout before raising; the
        # hint below says the same in one line.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except ImportError as exc:
        _missing(PDF_INSTALL_HINT, exc)
    except OSError as exc:  # cffi could not open the Pango libraries
        _missing(PANGO_INSTALL_HINT, exc)
    return weasyprint


def _missing(hint: str, cause: Exception) -> NoReturn:
    raise InputError(InputProblem(Location("--format pdf"), hint)) from cause


def _refusing_fetcher(weasyprint: Any) -> Any:
    """A WeasyPrint URL fetcher (``weasyprint.urls.URLFetcher``, public since 68) whose
    every fetch raises, for ``http:``, ``file:``, ``data:`` and any other scheme alike."""

    # WeasyPrint is untyped, so its base class is Any to mypy.
    class RefusingFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> NoReturn:
            raise ResourceRefusedError(f"the PDF report loads nothing: refused {url[:80]}")

    return RefusingFetcher()
