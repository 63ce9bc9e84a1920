"""How a process knows that its caches (search index, wizard tree, rendered pages) are stale.

Every save of content writes a new token (``SearchIndexState``, see catalog.signals) and a
``ContentChange`` saying what it touched. A process reads the token at most once per
``CONTENT_CHECK_SECONDS`` and keys its caches by it, so an edit made on any server is seen by
every server within that time. The day is part of the key because retirement dates take effect
at midnight.

Caches that can tell what they depend on (catalog.pagecache) keep a ``Watcher``, which says
what the changes since it last looked touched, so they drop only that. The token is one per process, not per thread:
two threads of one worker never disagree about which content is current.
"""

import threading
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from catalog.models import EVERYTHING, ContentChange, SearchIndexState

_lock = threading.Lock()
_state = {"value": "", "checked": float("-inf")}
_changes: tuple = (None, None)  # (token, what changes() read for it), replaced whole

# Enough newest changes that out-of-order commits (PostgreSQL hands out ids before commit) and
# a process idle through a burst of edits are still covered; beyond it a cache forgets everything.
RECENT_CHANGES = 500


def generation() -> str:
    now = time.monotonic()
    if now - _state["checked"] >= settings.CONTENT_CHECK_SECONDS:
        value = f"{_read_token()}:{timezone.localdate().isoformat()}"
        with _lock:
            _state["value"], _state["checked"] = value, now
    return _state["value"]


def _read_token() -> str:
    """The token, with a plain cursor: the ORM's query compilation costs several times the database's
    answer, and this runs on every request where CONTENT_CHECK_SECONDS is 0."""

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT generation FROM {SearchIndexState._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else SearchIndexState.current()


def last_seen() -> str:
    """The token this process last read (no query): a short content version for printed pages."""
    return _state["value"]


def forget() -> None:
    """Read the token and the newest changes afresh on the next call (tests start each from here)."""
    global _changes
    with _lock:
        _state["checked"] = float("-inf")
        _changes = (None, None)


def changes(generation: str | None = None) -> tuple[list[tuple[str, frozenset[str]]], bool]:
    """The newest content changes as (token, touched tags), oldest first, and whether the list is
    full — in which case older changes may be missing and a cache must assume anything changed.

    Read once per content token: the caches that watch (pages, the catalogue copy) share it."""
    global _changes

    kept_for, kept = _changes
    if generation is not None and kept_for == generation:
        return kept
    rows = list(ContentChange.objects.order_by("-id").values_list("generation", "touched")[:RECENT_CHANGES])
    rows.reverse()
    value = [(token, frozenset(touched.split())) for token, touched in rows], len(rows) >= RECENT_CHANGES
    if generation is not None:
        _changes = (generation, value)
    return value


def _day(generation: str) -> str:
    return generation.rpartition(":")[2]


class Watcher:
    """One cache's view of the content changes: what they touched since it last looked.

    ``touched(generation)`` returns the tags touched since the previous call (an empty set when
    the token has not moved), or EVERYTHING on the first look, on a new day (retirement dates),
    and when more changes came than catalog.freshness keeps.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.generation = ""
        self._applied: set[str] = set()

    def reset(self) -> None:
        with self._lock:
            self.generation = ""
            self._applied.clear()

    def touched(self, generation: str) -> frozenset[str]:
        if generation == self.generation:
            return frozenset()
        newest, maybe_incomplete = changes(generation)
        with self._lock:
            if generation == self.generation:
                return frozenset()
            unseen = [tags for token, tags in newest if token not in self._applied]
            if (
                not self.generation
                or _day(generation) != _day(self.generation)
                or (maybe_incomplete and len(unseen) == len(newest))
            ):
                touched = EVERYTHING
            else:
                touched = frozenset().union(*unseen)
            self._applied = {token for token, _ in newest}
            self.generation = generation
            return touched
