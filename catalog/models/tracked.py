"""Content that load_content writes and coordinators edit: what the loader last wrote, and a version.

Every object the loader writes remembers what it last wrote (``loaded``), so that a reload can tell a
coordinator's edit from stale content, and carries a ``version``, so that a stale save can be refused.
"""

import datetime
from decimal import Decimal

from django.db import models


class ContentTracked(models.Model):
    loaded = models.JSONField(
        "senast inläst från innehållsfilerna",
        default=dict,
        blank=True,
        editable=False,
        help_text="Värdena som load_content senast skrev; skiljer de sig från fälten är fälten redigerade i webbplatsen.",
    )
    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        abstract = True

    def edited_fields(self) -> list[str]:
        """Fields whose value differs from what the loader last wrote (edited in the site)."""
        return [name for name, value in self.loaded.items() if plain_value(getattr(self, name, None)) != value]


def plain_value(value):
    """A JSON-storable form of a field value, for remembering what the loader wrote."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value
