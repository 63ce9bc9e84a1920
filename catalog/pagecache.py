"""Rendered public pages, kept per process until the content changes.

Public pages depend only on the content and the address (and whether htmx or JSON asked), never
on who asks, so a page rendered once can be served again until catalog.freshness says the
content changed. This is what lets list and code pages keep up with a morning rush.
"""

import threading
from collections import OrderedDict
from functools import wraps

from django.http import HttpRequest, HttpResponse

from . import freshness

MAX_PAGES = 2000
MAX_BYTES = 2_000_000
KEPT_HEADERS = ("Content-Type", "Vary", "HX-Push-Url", "Content-Disposition")

_lock = threading.Lock()
_pages: "OrderedDict[tuple, tuple[int, dict, bytes]]" = OrderedDict()


def clear() -> None:
    with _lock:
        _pages.clear()


def cached_page(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = (
            view.__module__,
            view.__name__,
            freshness.generation(),
            request.get_full_path(),
            request.headers.get("HX-Request", ""),
            request.headers.get("HX-History-Restore-Request", ""),
            "json" in request.headers.get("Accept", ""),
        )
        with _lock:
            hit = _pages.get(key)
            if hit is not None:
                _pages.move_to_end(key)
        if hit is not None:
            status, headers, content = hit
            return HttpResponse(content, status=status, headers=headers)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and len(response.content) <= MAX_BYTES:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            with _lock:
                _pages[key] = (response.status_code, headers, response.content)
                while len(_pages) > MAX_PAGES:
                    _pages.popitem(last=False)
        return response

    return wrapper
