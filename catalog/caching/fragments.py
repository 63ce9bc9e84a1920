"""Rendered page fragments (a list's row or section, a code's entry), kept by the values they show.

A fragment is a pure function of its context: the same values give the same HTML. So it is kept
under those values and rendered again only when one of them changes, which is what keeps a render
cheap after an edit: the edited entry's row is rendered again, every other row is found.
The context must hold values that compare by value (catalog.snapshot's objects, strings, tuples of
them) and everything the fragment shows; nothing that depends on the request or the clock.

Bounded in fragments and in bytes (the rendered strings as Python holds them, where one "–" in a
fragment makes every character take two bytes); the least recently used goes first.
"""

import sys
import threading
from collections import OrderedDict

from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import SafeString

_lock = threading.Lock()
_kept: "OrderedDict[tuple, SafeString]" = OrderedDict()
_bytes = 0
# How many fragments were rendered rather than found: lets tests see a reuse without timing it.
rendered = 0


def max_fragments() -> int:
    return getattr(settings, "FRAGMENT_CACHE_MAX", 4000)


def max_bytes() -> int:
    return getattr(settings, "FRAGMENT_CACHE_MAX_BYTES", 8 * 1024 * 1024)


def render(name: str, /, **context) -> SafeString:
    """``name`` is a template with its partial ("catalog/list.html#row")."""
    global _bytes, rendered
    key = (name, *context.items())
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    html = SafeString(get_template(name).render(context))
    size = sys.getsizeof(html)
    with _lock:
        rendered += 1
        if key not in _kept and size <= max_bytes():
            _kept[key] = html
            _bytes += size
            while len(_kept) > max_fragments() or _bytes > max_bytes():
                _, evicted = _kept.popitem(last=False)
                _bytes -= sys.getsizeof(evicted)
    return html


def render_once(name: str, /, **context) -> SafeString:
    """Render without keeping: for fragments whose inputs a visitor chooses (a filtered section)."""
    return SafeString(get_template(name).render(context))


def clear() -> None:
    global _bytes
    with _lock:
        _kept.clear()
        _bytes = 0


def stats() -> dict:
    with _lock:
        return {"fragments": len(_kept), "bytes": _bytes}
