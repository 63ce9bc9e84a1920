"""A live class (/klassrum/): a trainer leads a room through a practice set, learners answer on phones.

Nothing about a learner is stored: a class keeps, per case, how many gave each answer (a count per
answer set), and it is deleted a few hours after it ends (catalog.training.classroom.prune). The
throttle's buckets hold a keyed hash of a phone's token or address for one minute, then go too.
Everything is in the database, so several app servers on one PostgreSQL see the same class.
"""

from django.conf import settings
from django.db import models

from catalog.models.practice import PracticeSet


class LiveClass(models.Model):
    class Phase(models.TextChoices):
        ANSWERING = "svar", "Svaren tas emot"
        HINT = "ledtrad", "Ledtråden visas"
        KEY = "facit", "Facit visas"

    code = models.CharField("kod", max_length=6, unique=True, help_text="Sex siffror som deltagarna skriver in.")
    practice_set = models.ForeignKey(PracticeSet, on_delete=models.CASCADE, related_name="+", verbose_name="övningsset")
    # The set's cases in order when the class started: a set edited during the class does not
    # move the room to another case.
    case_ids = models.JSONField("övningar", default=list)
    position = models.PositiveSmallIntegerField("aktuellt fall", default=0)
    phase = models.CharField("läge", max_length=10, choices=Phase.choices, default=Phase.ANSWERING)
    # Grows with every move the trainer makes; phones and the projector poll with the one they show.
    version = models.PositiveIntegerField(default=1)
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="utbildare"
    )
    started_at = models.DateTimeField("startad", auto_now_add=True)
    changed_at = models.DateTimeField("senast ändrad", auto_now=True)
    ended_at = models.DateTimeField("avslutad", null=True, blank=True)

    class Meta:
        verbose_name = "klass"
        verbose_name_plural = "klasser"
        indexes = [models.Index(fields=["ended_at"]), models.Index(fields=["changed_at"])]

    def __str__(self) -> str:
        return f"Klass {self.code}"


class ClassAnswer(models.Model):
    """How many in a class gave one answer (a set of codes, and a contact type) to one of its cases."""

    live_class = models.ForeignKey(LiveClass, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    answer = models.CharField(max_length=200)  # "AU006 ZV020" or "AU006|<contact ref>"; "" is no code
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["live_class", "position", "answer"], name="one_row_per_class_answer")
        ]

    def __str__(self) -> str:
        return f"{self.live_class}: {self.answer or '(ingen kod)'} × {self.count}"
