"""Rendered public pages, kept per process until the content changes, within a fixed memory bound.

Public pages depend only on the content and the address (and whether htmx or JSON asked), never
on who asks, so a page rendered once can be served again until the content it shows changes.
This is what lets list and code pages keep up with a morning rush.

A view may say what its page depends on (``response.depends_on``: tags such as ``kod:AU118``,
``lista:psykiatri``, ``listade``; see catalog.models.ContentChange). When catalog.freshness
reports a new content token, the cache reads what the newest changes touched and drops only the
pages that depend on it: an edit to one entry makes its code page and its list page cold, not
every page. A page that says nothing depends on everything and goes with any change; a change
that is not worked out (a whole load_content) or a new day (retirement dates) drops every page.

The cache is a least-recently-used store bounded both in pages (``PAGE_CACHE_MAX_PAGES``) and in
bytes (``PAGE_CACHE_MAX_BYTES``, counting the page, its compressed forms, its headers and its
key). A compressed form is made the first time a client asks for it (kvaguide.compression) and
kept with the page, so a cache hit costs no compression. Only the query parameters a view names can make a new entry: ``?utm_source=…``,
``?fbclid=…`` or any made-up parameter is served the page cached for the bare address, so
10,000 distinct hostile addresses cost no more memory than one.

A signed-in user (a coordinator or trainer) is never served from the cache and never fills it: their
pages may show what only they see ("Redigera" beside each entry), so they are rendered for them alone
and marked ``Cache-Control: private`` so that no shared proxy keeps them either. Whether someone is
signed in is read only when the request carries a session cookie, so a public visitor's request never
touches the session (which would add ``Vary: Cookie`` and turn off compression).

A view may also say what serving its page counts (``response.counted``: a kind and a key, see
catalog.usage): the page keeps it, and every GET that serves the page counts it, from the cache too.
"""

import threading
from collections import OrderedDict
from functools import wraps
from urllib.parse import quote, urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from catalog.caching import freshness
from catalog.usage import counter

KEPT_HEADERS = ("Content-Type", "Vary", "HX-Push-Url", "Content-Disposition")
# Per entry beyond the bodies: the key tuple, the dict slot, the headers and the Page object.
OVERHEAD_BYTES = 1024


class Page:
    __slots__ = ("status", "headers", "content", "encoded", "size", "depends_on", "counted")

    def __init__(
        self,
        key: tuple,
        status: int,
        headers: dict,
        content: bytes,
        encoded: dict[str, bytes],
        depends_on: frozenset[str] = freshness.EVERYTHING,
        counted: tuple[str, str] | None = None,
    ):
        self.depends_on = depends_on
        self.counted = counted
        self.status = status
        self.headers = headers
        self.content = content
        self.encoded = encoded
        self.size = (
            len(content)
            + sum(len(body) for body in encoded.values())
            + sum(len(str(part)) for part in key)
            + sum(len(name) + len(value) for name, value in headers.items())
            + OVERHEAD_BYTES
        )


_lock = threading.Lock()
_pages: "OrderedDict[tuple, Page]" = OrderedDict()
_bytes = 0
_watcher = freshness.Watcher()
_epoch = 0  # grows whenever pages are dropped for a change: a render begun before is not kept


def max_pages() -> int:
    return getattr(settings, "PAGE_CACHE_MAX_PAGES", 1000)


def max_bytes() -> int:
    return getattr(settings, "PAGE_CACHE_MAX_BYTES", 32 * 1024 * 1024)


def clear() -> None:
    global _bytes, _epoch
    with _lock:
        _pages.clear()
        _bytes = 0
        _epoch += 1
    _watcher.reset()


def sync(generation: str) -> int:
    """Bring the cache up to this content token, dropping the pages the changes since touched.
    Returns the epoch a render begun now belongs to."""
    global _bytes, _epoch
    touched = _watcher.touched(generation)
    if not touched:
        return _epoch
    with _lock:
        if touched >= freshness.EVERYTHING:
            _pages.clear()
            _bytes = 0
        else:
            for key in [
                k for k, page in _pages.items() if page.depends_on & touched or page.depends_on >= freshness.EVERYTHING
            ]:
                _bytes -= _pages.pop(key).size
        _epoch += 1
        return _epoch


def stats() -> dict:
    """How much the cache holds now: pages and accounted bytes."""
    with _lock:
        return {"pages": len(_pages), "bytes": _bytes}


def _get(key: tuple) -> Page | None:
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
        return page


def _put(key: tuple, page: Page, epoch: int | None = None) -> None:
    global _bytes
    if page.size > max_bytes():
        return
    with _lock:
        if epoch is not None and epoch != _epoch:
            return  # pages were dropped for a change while this one rendered: it may show the old content
        old = _pages.pop(key, None)
        if old is not None:
            _bytes -= old.size
        _pages[key] = page
        _bytes += page.size
        while len(_pages) > max_pages() or _bytes > max_bytes():
            _, evicted = _pages.popitem(last=False)
            _bytes -= evicted.size


# For views whose every parameter changes the answer or is refused (the FHIR operations).
ALL_PARAMS = ("*",)


def page_address(request: HttpRequest, params: tuple[str, ...] = ()) -> str:
    """The path plus only the query parameters that change the page, in a fixed order, each name and
    value percent-encoded: an ``&`` or ``=`` inside a value can never split or join parameters, so
    ``?a=1%26b%3D2`` and ``?a=1&b=2`` are two addresses with two pages."""
    if params == ALL_PARAMS:
        kept = sorted((name, value) for name in request.GET for value in request.GET.getlist(name))
    else:
        kept = [(name, value) for name in params for value in request.GET.getlist(name)]
    if not kept:
        return request.path
    return request.path + "?" + urlencode(kept, quote_via=quote)


class _Encodings:
    """A cached page's compressed forms, made on first demand and counted in the cache's bytes."""

    def __init__(self, page: Page):
        self.page = page

    def get(self, name: str) -> bytes | None:
        return self.page.encoded.get(name)

    def remember(self, name: str, body: bytes) -> None:
        global _bytes
        with _lock:
            if name in self.page.encoded:
                return
            self.page.encoded[name] = body
            self.page.size += len(body)
            if any(page is self.page for page in _pages.values()):
                _bytes += len(body)
                while len(_pages) > 1 and _bytes > max_bytes():
                    _, evicted = _pages.popitem(last=False)
                    _bytes -= evicted.size


def _respond(page: Page) -> HttpResponse:
    response = HttpResponse(page.content, status=page.status, headers=page.headers)
    response.encodings = _Encodings(page)  # read and filled by kvaguide.compression
    return response


def signed_in(request: HttpRequest) -> bool:
    """True for a logged-in user; a request without a session cookie is anonymous without asking."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _count(request: HttpRequest, counted: tuple[str, str] | None) -> None:
    # A HEAD is a check (a link checker, a proxy), not a read.
    if counted and request.method == "GET":
        counter.count(*counted)


def cached_page(view=None, *, params: tuple[str, ...] = (), cookies: tuple[str, ...] = ()):
    """Keep a view's 200 answers per address; ``params`` names the query parameters it reads,
    ``cookies`` the cookies (a remembered choice such as the search context) that change its answer."""
    if view is None:
        return lambda view: cached_page(view, params=params, cookies=cookies)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        # Read the content token first even for a page that is not kept: catalog.catalogue.snapshot
        # takes the token read here as the state its copy must match.
        epoch = sync(freshness.generation())
        if signed_in(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = (
            view.__module__,
            view.__name__,
            page_address(request, params),
            request.get_host(),  # absolute URLs (API, wizard JSON) carry the host
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            "json" in request.headers.get("Accept", ""),
            tuple(request.COOKIES.get(name, "")[:40] for name in cookies),
        )
        page = _get(key)
        if page is not None:
            _count(request, page.counted)
            return _respond(page)
        response = view(request, *args, **kwargs)
        counted = getattr(response, "counted", None) if response.status_code == 200 else None
        _count(request, counted)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(response, "uncacheable", False)
        ):
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            depends_on = frozenset(getattr(response, "depends_on", freshness.EVERYTHING))
            page = Page(key, response.status_code, headers, response.content, {}, depends_on, counted)
            _put(key, page, epoch)
            response.encodings = _Encodings(page)
        return response

    return wrapper
