"""The content's generation token and what each change touched: what caches key by (catalog.caching.freshness)."""

import uuid

from django.db import models

# What a change that touches anything (or a page that depends on anything) names: the tag "*".
EVERYTHING = frozenset({"*"})


class SearchIndexState(models.Model):
    """One row: a token that changes whenever searchable content changes (see catalog.caching.freshness)."""

    generation = models.CharField(max_length=32)

    class Meta:
        verbose_name = "sökindexets version"

    def __str__(self) -> str:
        return self.generation

    @classmethod
    def current(cls) -> str:
        generation = cls.objects.values_list("generation", flat=True).first()
        return generation or cls.bump()

    @classmethod
    def bump(cls, touched=EVERYTHING) -> str:
        """A new token, and a ContentChange saying what the change touched (in the same transaction)."""
        generation = uuid.uuid4().hex
        ContentChange.record(generation, touched)
        if not cls.objects.filter(pk=1).update(generation=generation):
            cls.objects.update_or_create(pk=1, defaults={"generation": generation})
        return generation


class ContentChange(models.Model):
    """What one content change touched, so caches can keep what it did not (catalog.freshness).

    ``touched`` holds space-separated tags: ``kod:AU118`` (that code's page), ``lista:psykiatri``
    (that list's page), ``listade`` (which codes stand in a list: links and grey codes everywhere),
    ``sok`` (synonyms and concepts), ``besok`` (the wizard and practice cases), or ``*`` (anything).
    Only the newest rows are kept; a process that has missed more than those forgets everything.
    """

    generation = models.CharField(max_length=32)
    touched = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    KEPT = 2000

    class Meta:
        verbose_name = "innehållsändring"
        verbose_name_plural = "innehållsändringar"

    def __str__(self) -> str:
        return f"{self.generation[:8]}: {self.touched[:80]}"

    @classmethod
    def record(cls, generation: str, touched) -> None:
        tags = set(touched)
        if not tags or EVERYTHING & tags:
            tags = EVERYTHING
        change = cls.objects.create(generation=generation, touched=" ".join(sorted(tags)))
        if change.pk % 100 == 0:
            cls.objects.filter(pk__lte=change.pk - cls.KEPT).delete()
