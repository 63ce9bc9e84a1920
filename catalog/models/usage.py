"""What clinicians look for, counted per ISO week (catalog.usage): counts only, never who or what they typed."""

from django.db import models


class UsageCount(models.Model):
    """How often one thing happened in one week: a code page read, a way out of the wizard at a step, …

    ``key`` names the thing (a code, a step's or a practice case's slug; empty for searches without a
    hit, whose queries the search-miss log keeps). No address, no user, no text a clinician typed."""

    class Kind(models.TextChoices):
        SEARCH_MISS = "sokmiss", "sökning utan träff"
        WAY_OUT = "utvag", "”Inget av dessa passar” i besöksguiden"
        DESCRIBE_STOP = "beskriv-stopp", "beskrivet besök som stannade"
        CODE_READ = "kod-last", "kodsida läst"
        PRACTICE_TRIED = "ovning-forsok", "övning rättad"
        PRACTICE_SOLVED = "ovning-ratt", "övning helt rätt"

    week = models.DateField("vecka (måndag)")
    kind = models.CharField("vad", max_length=20, choices=Kind.choices)
    key = models.CharField("vilken", max_length=80, blank=True, default="")
    count = models.PositiveIntegerField("antal", default=0)

    class Meta:
        verbose_name = "räknad användning"
        verbose_name_plural = "räknad användning"
        constraints = [
            models.UniqueConstraint(fields=["week", "kind", "key"], name="one_usage_count_per_week_kind_key")
        ]

    def __str__(self) -> str:
        return f"{self.week:%G-W%V} {self.kind} {self.key}: {self.count}"
