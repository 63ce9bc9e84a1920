"""Requests counted per key and window, by the database, atomically (catalog.throttle)."""

from django.db import models


class RateBucket(models.Model):
    """Requests counted under one key in one fixed window (catalog.throttle): the suggestions form and the live class."""

    key = models.CharField(max_length=80)
    window = models.BigIntegerField()  # start of the window, in seconds since the epoch
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="one_bucket_per_key_and_window")]
        indexes = [models.Index(fields=["window"])]

    def __str__(self) -> str:
        return f"{self.key[:12]}… @ {self.window}: {self.count}"
