"""What search knows beyond the lists: clinicians' words (synonyms, concepts) and the searches that found nothing."""

import datetime

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from catalog.models.tracked import ContentTracked


class Synonym(ContentTracked):
    """A word or abbreviation clinicians type, and the words or codes it stands for."""

    term = models.CharField("sökord", max_length=100, unique=True, help_text="Det användaren skriver, t.ex. ”KBT”.")
    expansion = models.CharField(
        "betyder",
        max_length=500,
        help_text="Ord och/eller koder som sökordet ska hitta, t.ex. ”kognitiv-beteendeterapeutisk DU011”.",
    )
    note = models.CharField("kommentar", max_length=300, blank=True)

    class Meta:
        verbose_name = "synonym"
        verbose_name_plural = "synonymer"
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"


class Concept(ContentTracked):
    """Everyday Swedish or clinical jargon (”ringde”, ”sprit”, ”elchock”) and the content's own words for it.

    Search treats a query word that is one of ``words`` as also meaning any word of ``means``
    (either may find the code); a code in ``means`` makes that code a hit.
    """

    name = models.CharField(
        "begrepp", max_length=100, unique=True, help_text="Ett namn för begreppet, t.ex. ”telefon”."
    )
    words = models.CharField(
        "vardagsord",
        max_length=1000,
        help_text="Det användare skriver, kommaseparerat, gärna flera böjningar: ”ringa, ringde, ringt, ringer”.",
    )
    means = models.CharField(
        "betyder",
        max_length=500,
        help_text="Ord som texterna använder (vilket som helst räcker) och/eller koder, t.ex. ”telefon telefonkontakt”.",
    )
    note = models.CharField("kommentar", max_length=300, blank=True)

    class Meta:
        verbose_name = "begrepp"
        verbose_name_plural = "begrepp (vardagsord och jargong)"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}: {self.words} → {self.means}"


class SearchMiss(models.Model):
    """A search that found nothing: only the query text and a count, nothing about who searched."""

    query = models.CharField("sökning", max_length=200, unique=True)
    count = models.PositiveIntegerField("antal", default=0)
    first_seen = models.DateTimeField("första gången", auto_now_add=True)
    last_seen = models.DateTimeField("senaste gången", auto_now=True)

    class Meta:
        verbose_name = "sökning utan träff"
        verbose_name_plural = "sökningar utan träff"
        ordering = ["-count", "-last_seen"]

    def __str__(self) -> str:
        return f"{self.query} ({self.count})"

    @classmethod
    def record(cls, query: str) -> None:
        query = query.strip().lower()[:200]
        if len(query) < 2:
            return
        updated = cls.objects.filter(query=query).update(count=models.F("count") + 1, last_seen=timezone.now())
        if not updated:
            try:
                with transaction.atomic():
                    cls.objects.create(query=query, count=1)
            except IntegrityError:
                cls.objects.filter(query=query).update(count=models.F("count") + 1, last_seen=timezone.now())
            else:
                cls.prune()

    @classmethod
    def prune(cls) -> None:
        """Keep the table bounded: misses not seen for SEARCH_MISS_DAYS go, and beyond
        SEARCH_MISS_LIMIT rows the ones seen longest ago go. Run whenever a new query is added."""
        cls.objects.filter(last_seen__lt=timezone.now() - datetime.timedelta(days=settings.SEARCH_MISS_DAYS)).delete()
        surplus = cls.objects.order_by("-last_seen", "-pk").values_list("pk", flat=True)[settings.SEARCH_MISS_LIMIT :]
        stale = list(surplus[:1000])
        if stale:
            cls.objects.filter(pk__in=stale).delete()
