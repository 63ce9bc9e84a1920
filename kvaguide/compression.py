"""Compressed public pages: brotli when the client asks for it, else Django's gzip.

Only responses that carry no secret are compressed. A page that renders a CSRF token, touches
the session (a logged-in coordinator, the admin) or sets a cookie is sent as it is: compressing a
secret next to text an attacker can reflect into the same page is what BREACH exploits. Public
pages (lists, codes, rules, the wizard, search and the API) hold only published content.

Static files never reach this middleware: WhiteNoise answers them earlier in the chain with its
own pre-compressed files. A page kept in catalog.caching.pagecache is compressed once per encoding and
the result kept with it, so a cache hit costs no compression at all.
"""

import re

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

# Quality 5 compresses a 48 KB list page about as well as quality 11 within a millisecond, where
# 11 takes tens of milliseconds; pages in the page cache pay it once.
BROTLI_QUALITY = 5
MIN_SIZE = 200
COMPRESSIBLE_TYPES = ("text/html", "application/json", "application/fhir+json", "text/plain", "text/csv")

_accepts_br = re.compile(r"\bbr\b")
_accepts_gzip = re.compile(r"\bgzip\b")


def encode_brotli(content: bytes) -> bytes:
    return brotli.compress(content, quality=BROTLI_QUALITY)


def encode_gzip(content: bytes) -> bytes:
    return compress_string(content, max_random_bytes=GZipMiddleware.max_random_bytes)


ENCODERS = {"br": encode_brotli, "gzip": encode_gzip}


def carries_no_secret(request, response) -> bool:
    """True for a response that is the same for everyone: no CSRF token, no session, no cookie.

    Rendering a CSRF token makes CsrfViewMiddleware set its cookie and ``Vary: Cookie``; reading
    the session (any logged-in page) makes SessionMiddleware add ``Vary: Cookie``. So a response
    that sets no cookie and does not vary on cookies holds nothing tied to the visitor. A view
    that varies only on a preference cookie (the search context) says so.
    """
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.accessed:
        return False
    if "cookie" in response.get("Vary", "").lower() and not getattr(response, "varies_only_on_preferences", False):
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def choose_encoding(request) -> str | None:
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if _accepts_br.search(accepted):
        return "br"
    if _accepts_gzip.search(accepted):
        return "gzip"
    return None


class CompressionMiddleware(GZipMiddleware):
    """GZipMiddleware that adds brotli, reuses the page cache's encodings and spares secrets."""

    def process_response(self, request, response):
        if (
            response.streaming
            or response.has_header("Content-Encoding")
            or len(response.content) < MIN_SIZE
            or not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)
            or not carries_no_secret(request, response)
        ):
            return response
        encoding = choose_encoding(request)
        kept = getattr(response, "encodings", None)  # a page from catalog.caching.pagecache
        if encoding is None or (encoding == "gzip" and kept is None):
            return super().process_response(request, response)  # Django's gzip, or only Vary
        body = kept.get(encoding) if kept is not None else None
        if body is None:
            body = ENCODERS[encoding](response.content)
            if kept is not None:
                kept.remember(encoding, body)
        if len(body) >= len(response.content):
            patch_vary_headers(response, ("Accept-Encoding",))
            return response
        return _send(response, body, encoding)


def _send(response, body: bytes, encoding: str):
    patch_vary_headers(response, ("Accept-Encoding",))
    response.content = body
    response.headers["Content-Length"] = str(len(body))
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response.headers["ETag"] = "W/" + etag
    response.headers["Content-Encoding"] = encoding
    return response
