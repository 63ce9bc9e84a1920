"""Rendered parts of pages, kept per process and keyed by the very content they show.

A page's cache entry (catalog.pagecache) dies with every content change, because any change
may touch any page. A fragment lives longer: its key is the content itself (every stored field
of the rows it renders, as a tuple), so an edit changes the key of exactly the fragments that
show the edited row, and every other fragment is served again. After a coordinator's edit, the
list page is put together from kept sections plus the one that changed, instead of rendering
98 rows again. Keys compare by value, so a stale fragment can never be served: it only ages out.

Bounded like the page cache: least recently used first out, by count and by bytes (the
rendered markup plus the key's text).
"""

import threading
from collections import OrderedDict

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

_lock = threading.Lock()
_fragments: "OrderedDict[tuple, tuple[SafeString, int]]" = OrderedDict()
_bytes = 0


def max_fragments() -> int:
    return getattr(settings, "FRAGMENT_CACHE_MAX_ITEMS", 2000)


def max_bytes() -> int:
    return getattr(settings, "FRAGMENT_CACHE_MAX_BYTES", 16 * 1024 * 1024)


def clear() -> None:
    global _bytes
    with _lock:
        _fragments.clear()
        _bytes = 0


def stats() -> dict:
    with _lock:
        return {"fragments": len(_fragments), "bytes": _bytes}


def _size(value) -> int:
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, tuple | list | frozenset | set):
        return 8 + sum(_size(item) for item in value)
    return 16


def get_many(keys) -> dict[tuple, SafeString]:
    """The kept markup for those of these keys that have some."""
    found = {}
    with _lock:
        for key in keys:
            hit = _fragments.get(key)
            if hit is not None:
                _fragments.move_to_end(key)
                found[key] = hit[0]
    return found


def put(key: tuple, markup: str) -> SafeString:
    """Keep rendered markup under its key, dropping the least recently used beyond the bounds."""
    global _bytes
    markup = mark_safe(markup)
    size = len(markup) + _size(key) + 256
    if size > max_bytes():
        return markup
    with _lock:
        old = _fragments.pop(key, None)
        if old is not None:
            _bytes -= old[1]
        _fragments[key] = (markup, size)
        _bytes += size
        while len(_fragments) > max_fragments() or _bytes > max_bytes():
            _, (_, evicted) = _fragments.popitem(last=False)
            _bytes -= evicted
    return markup


def stored_fields(model, prefix: str = "", exclude: tuple[str, ...] = ("loaded",)) -> list[str]:
    """Every stored column of a model (as values_list names), so a key misses no field a template shows."""
    return [prefix + field.name for field in model._meta.concrete_fields if field.name not in exclude]


def stored_values(instance, exclude: tuple[str, ...] = ("loaded",)) -> tuple:
    """Every stored column of a model instance, as a tuple for a key."""
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields if f.name not in exclude)
