"""How many requests one key may make in a window, counted in the database (so every app server
counts the same requests), atomically: two simultaneous bursts under one key never pass more than
the limit between them.

A fixed window per key: one row (key, window start) whose count grows by a conditional UPDATE
("count < limit"), which PostgreSQL re-checks on the row it locks and SQLite runs under its write
lock. The first request of a window inserts the row; a second first request loses the insert on
the unique constraint and takes the UPDATE path. Keys are keyed hashes, never an address or a token
itself, and rows go a day after their window (``prune``). Used by the suggestions form (per hour) and
the live class (per minute).
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.db import IntegrityError, models, transaction

from catalog.models import RateBucket

WINDOW_SECONDS = 60
KEPT_SECONDS = 24 * 3600  # longer than any window: a bucket is pruned only once it is over


def key_for(kind: str, value: str) -> str:
    """A bucket key that names what is counted (``kind``) but cannot be turned back into ``value``."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{digest[:64]}"


def _window(now: float | None = None, seconds: int = WINDOW_SECONDS) -> int:
    now = time.time() if now is None else now
    return int(now) // seconds * seconds


def take(key: str, limit: int, now: float | None = None, seconds: int = WINDOW_SECONDS) -> bool:
    """Count one request under ``key``; False (and nothing counted) when the window's limit is reached."""
    window = _window(now, seconds)
    under_limit = RateBucket.objects.filter(key=key, window=window, count__lt=limit)
    if under_limit.update(count=models.F("count") + 1):
        return True
    if limit < 1:
        return False
    try:
        with transaction.atomic():
            RateBucket.objects.create(key=key, window=window, count=1)
        return True
    except IntegrityError:
        return bool(under_limit.update(count=models.F("count") + 1))


def prune(now: float | None = None) -> int:
    """Delete the buckets of windows long over; returns how many."""
    now = time.time() if now is None else now
    deleted, _ = RateBucket.objects.filter(window__lt=int(now) - KEPT_SECONDS).delete()
    return deleted
