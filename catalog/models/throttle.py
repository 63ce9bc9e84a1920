"""How many requests one (hashed) address made in the current window: counted by the database, atomically."""

import datetime

from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone


class Throttle(models.Model):
    """One counter per scope, address and window. Incrementing it is one conditional UPDATE (or, the first
    time, an INSERT on a unique key), so simultaneous requests from one address can never pass the limit
    together, on any number of app servers (an in-process counter, or count-then-save, could)."""

    key = models.CharField("nyckel", max_length=200, unique=True)
    count = models.PositiveIntegerField("antal", default=0)
    ends = models.DateTimeField("gäller till", db_index=True)

    class Meta:
        verbose_name = "begränsning"
        verbose_name_plural = "begränsningar"

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"

    @classmethod
    def allow(cls, scope: str, address_key: str, limit: int, seconds: int) -> bool:
        """Count one request; False when this address has already made ``limit`` in the current window."""
        if limit <= 0:
            return False
        now = timezone.now()
        window = int(now.timestamp()) // seconds
        key = f"{scope}:{address_key}:{window}"
        if cls.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1):
            return True
        if cls.objects.filter(key=key).exists():
            return False
        try:
            with transaction.atomic():
                ends = datetime.datetime.fromtimestamp((window + 1) * seconds, tz=datetime.UTC)
                cls.objects.create(key=key, count=1, ends=ends)
        except IntegrityError:
            # Another request made the counter first: count against it.
            return bool(cls.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1))
        if now.second == 0:
            cls.objects.filter(ends__lt=now - datetime.timedelta(days=1)).delete()
        return True
