"""How a process knows that its caches (search index, wizard tree, rendered pages) are stale.

Every save of content writes a new token (``SearchIndexState``, see catalog.signals). A process
reads it at most once per ``CONTENT_CHECK_SECONDS`` and keys its caches by it, so an edit made
on any server is seen by every server within that time. The day is part of the key because
retirement dates take effect at midnight.
"""

import threading
import time

from django.conf import settings
from django.utils import timezone

_local = threading.local()


def generation() -> str:
    from .models import SearchIndexState

    now = time.monotonic()
    if now - getattr(_local, "checked", float("-inf")) >= settings.CONTENT_CHECK_SECONDS:
        _local.value = f"{SearchIndexState.current()}:{timezone.localdate().isoformat()}"
        _local.checked = now
    return _local.value


def last_seen() -> str:
    """The token this process last read (no query): a short content version for printed pages."""
    return getattr(_local, "value", "")
