"""The PDF engine: HTML in, PDF/A-2b bytes out, with WeasyPrint.

Knows nothing of reports or templates. The HTML it is given fetches nothing but the
portal's own static files: `safe_url_fetcher` refuses every other address (the network,
`file:`, `data:`), so text a user typed can never make the renderer reach a server or
read a file, even if it slipped through the templates' escaping.
"""

import logging
import posixpath
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation

# WeasyPrint logs every rendering step at INFO, from its import on; its warnings (a
# refused URL) are kept.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

# PDF/A-2b: the archival profile the county's records system accepts. WeasyPrint cannot
# declare PDF/A and PDF/UA at once; the document is tagged as well (pdf_tags) so screen
# readers get headings, tables and reading order.
PDF_VARIANT = "pdf/a-2b"
PDF_OPTIONS = {"pdf_variant": PDF_VARIANT, "pdf_tags": True}

CONTENT_TYPES = {
    ".css": "text/css",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}


class RefusedResource(ValueError):
    """The report asked for something other than one of the portal's static files."""


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


def static_prefix() -> str:
    """STATIC_URL as an absolute path: "/static/"."""
    prefix = urlsplit(settings.STATIC_URL).path
    return prefix if prefix.startswith("/") else f"/{prefix}"


def _static_name(url: str, base_url: str | None) -> str:
    """The static file's name ("css/report.css") that `url` points to, or refuse it."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        base = urlsplit(base_url or "")
        same_origin = (
            parts.scheme in ("http", "https")
            and base.scheme == parts.scheme
            and base.netloc
            and base.netloc == parts.netloc
        )
        if not same_origin:
            raise RefusedResource(f"Only the portal's static files may be used in a report: {url}")
    path = posixpath.normpath(unquote(parts.path))
    prefix = static_prefix()
    if not path.startswith(prefix) or parts.query:
        raise RefusedResource(f"Only the portal's static files may be used in a report: {url}")
    name = path[len(prefix) :]
    if not name or name.startswith("/") or ".." in name.split("/"):
        raise RefusedResource(f"Not a static file: {url}")
    return name


def _static_path(name: str) -> Path:
    """The file behind a static name: through the finders (development, tests), else in
    STATIC_ROOT (production, after collectstatic)."""
    try:
        found = finders.find(name)
    except SuspiciousFileOperation as error:
        raise RefusedResource(f"Not a static file: {name}") from error
    if found:
        return Path(found)
    if settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / name).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return candidate
    raise RefusedResource(f"No such static file: {name}")


def safe_url_fetcher(url: str, base_url: str | None = None) -> URLFetcherResponse:
    """Serve one of the portal's own static files (`/static/…`, or the same path under
    `base_url`'s host); refuse everything else by raising RefusedResource."""
    name = _static_name(url, base_url)
    path = _static_path(name)
    content_type = CONTENT_TYPES.get(path.suffix.lower())
    if content_type is None:
        raise RefusedResource(f"Not a kind of file a report uses: {name}")
    headers = {"Content-Type": content_type}
    if content_type == "text/css":
        headers["Content-Type"] = "text/css; charset=utf-8"
    return URLFetcherResponse(url, path.read_bytes(), headers)


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher interface around `safe_url_fetcher` (looked up at call time)."""

    def __init__(self, base_url: str | None):
        super().__init__(allowed_protocols=())
        self.base_url = base_url

    def fetch(self, url, headers=None):
        return safe_url_fetcher(url, self.base_url)


def render_pdf_document(html: str, *, base_url: str) -> RenderedPdf:
    """The PDF (PDF/A-2b, tagged, fonts embedded) and its number of pages."""
    fetcher = StaticOnlyFetcher(base_url)
    document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(**PDF_OPTIONS)
    return RenderedPdf(content=document.write_pdf(**PDF_OPTIONS), pages=len(document.pages))


def render_pdf(html: str, *, base_url: str) -> bytes:
    """`html` as PDF/A-2b bytes; it may use only the portal's static files."""
    return render_pdf_document(html, base_url=base_url).content
