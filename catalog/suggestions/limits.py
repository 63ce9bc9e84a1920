"""How much is accepted from one address, and how long a closed suggestion is kept.

Only a keyed hash of the sender's address is stored (``address_key``), to throttle floods; it is
forgotten with the row. Closed suggestions are deleted after SUGGESTION_RETENTION_DAYS.
"""

import datetime
import hashlib
import hmac

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from catalog import throttle
from catalog.models import ChangeSuggestion


def client_address(request: HttpRequest) -> str:
    """The client's address by the login lock-out's rule (REMOTE_ADDR, or behind TRUSTED_PROXIES proxies
    the address the outermost trusted proxy saw), so both count the same client."""
    return get_client_ip_address(request) or ""


def address_key(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def throttled(key: str) -> bool:
    """Counts this suggestion; True when the address has sent SUGGESTIONS_PER_HOUR in this clock hour."""
    return not throttle.take(throttle.key_for("forslag", key), settings.SUGGESTIONS_PER_HOUR, seconds=3600)


def prune() -> int:
    """Delete suggestions closed longer ago than the retention period; returns how many."""
    before = timezone.now() - datetime.timedelta(days=settings.SUGGESTION_RETENTION_DAYS)
    deleted, _ = ChangeSuggestion.objects.filter(status__in=ChangeSuggestion.CLOSED, closed_at__lt=before).delete()
    return deleted
