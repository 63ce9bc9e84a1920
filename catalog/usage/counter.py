"""What clinicians look for, counted per ISO week: code pages read, searches without a hit, the
wizard's way outs, described visits that stopped, practice cases tried and solved.

Counts only (catalog.models.UsageCount): a kind, a short key (a code, a step's or a case's slug) and
a number; no address, no user, no text a clinician typed.

Counting never costs a request a query. The most counted page, a code page, is served from the page
cache with one query (the content check); a write for every view would double that and, on SQLite,
queue readers behind its one writer. So each process adds its counts up in memory and, after a
response has been sent, writes them together once the oldest has waited ``USAGE_FLUSH_SECONDS`` (or
``MAX_PENDING`` different things wait): one statement per 200 of them, each an upsert
``count = count + n`` on its (week, kind, key). A count that cannot be written is logged and
dropped: the visitor's request never fails for it. What a process holds when it stops is lost (at
most a flush interval's worth).
"""

import datetime
import logging
import threading
import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import UsageCount

logger = logging.getLogger(__name__)
Kind = UsageCount.Kind
MAX_PENDING = 1000  # different (week, kind, key) waiting in one process: bounds its memory
KEY_LENGTH = UsageCount._meta.get_field("key").max_length
CHUNK = 200  # rows per statement: 800 parameters, well within SQLite's limit

_lock = threading.Lock()
_pending: dict[tuple[datetime.date, str, str], int] = {}
_oldest = {"at": None}  # time.monotonic() of the oldest count waiting, None when none waits


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week ``day`` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def count(kind: str, key: str = "") -> None:
    """One more of ``kind`` (for ``key``) this week, in memory. Never raises: a failure is logged."""
    try:
        item = (week_of(timezone.localdate()), str(kind), key[:KEY_LENGTH])
        with _lock:
            _pending[item] = _pending.get(item, 0) + 1
            if _oldest["at"] is None:
                _oldest["at"] = time.monotonic()
    except Exception:
        logger.exception("Kunde inte räkna %s", kind)


def flush_when_due(**_signal) -> None:
    """Write the waiting counts once the oldest has waited USAGE_FLUSH_SECONDS or MAX_PENDING wait.

    Connected to ``request_finished`` (catalog.apps), which the server sends when the response has
    gone out: the visitor whose request happens to write them has their page already."""
    with _lock:
        since = _oldest["at"]
        due = since is not None and (
            time.monotonic() - since >= settings.USAGE_FLUSH_SECONDS or len(_pending) >= MAX_PENDING
        )
    if due:
        flush()


def _take() -> dict:
    with _lock:
        batch = dict(_pending)
        _pending.clear()
        _oldest["at"] = None
    return batch


def discard() -> None:
    """Forget what this process has counted but not written (tests start each from here)."""
    _take()


def _write(batch: dict) -> None:
    """Add the batch to the table: per (week, kind, key) one upsert, ``count = count + n`` when the row
    exists. INSERT … ON CONFLICT DO UPDATE is one atomic statement on PostgreSQL and SQLite alike, so
    processes flushing the same new row at once all count; rows go in one order everywhere, so two
    flushes never wait for each other in a circle."""
    quote = connection.ops.quote_name
    table = quote(UsageCount._meta.db_table)
    week, kind, key, total = (quote(name) for name in ("week", "kind", "key", "count"))
    rows = sorted(batch.items())
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            params = [
                value
                for (monday, what, which), n in chunk
                for value in (connection.ops.adapt_datefield_value(monday), what, which, n)
            ]
            cursor.execute(
                f"INSERT INTO {table} ({week}, {kind}, {key}, {total}) VALUES "
                + ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
                + f" ON CONFLICT ({week}, {kind}, {key}) DO UPDATE SET {total} = {table}.{total} + excluded.{total}",
                params,
            )


def flush() -> int:
    """Write what this process has counted; returns how many counts were written (0 on failure, logged)."""
    batch = _take()
    if not batch:
        return 0
    try:
        _write(batch)
    except Exception:
        logger.exception("Kunde inte spara %d räknade besök; de räknas inte", sum(batch.values()))
        return 0
    return sum(batch.values())


def prune(weeks: int | None = None, today: datetime.date | None = None) -> int:
    """Delete the counts of weeks older than the last ``weeks`` (USAGE_WEEKS); returns how many rows."""
    weeks = settings.USAGE_WEEKS if weeks is None else weeks
    oldest_kept = week_of(today or timezone.localdate()) - datetime.timedelta(weeks=max(weeks, 1) - 1)
    deleted, _ = UsageCount.objects.filter(week__lt=oldest_kept).delete()
    return deleted
