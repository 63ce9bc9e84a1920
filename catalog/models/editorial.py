"""The coordinators' record: every change to content (Revision) and changes waiting for review (Draft)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from catalog.models.catalogue import CodeList


class Revision(models.Model):
    """One change to one piece of content: who, when, and the object before and after."""

    class Action(models.TextChoices):
        CREATED = "created", "Skapad"
        CHANGED = "changed", "Ändrad"
        DELETED = "deleted", "Borttagen"
        REVERTED = "reverted", "Återställd"
        IMPORTED = "imported", "Importerad"
        APPROVED = "approved", "Godkänt utkast"
        LOADED = "loaded", "Inläst från innehållsfilerna"

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, verbose_name="slag")
    object_id = models.PositiveBigIntegerField("objektets id")
    object_repr = models.CharField("objekt", max_length=300)
    action = models.CharField("händelse", max_length=20, choices=Action.choices)
    user = models.ForeignKey("auth.User", on_delete=models.SET_NULL, null=True, blank=True, verbose_name="användare")
    created_at = models.DateTimeField("tidpunkt", auto_now_add=True, db_index=True)
    before = models.JSONField("före", null=True, blank=True)
    after = models.JSONField("efter", null=True, blank=True)
    version = models.PositiveIntegerField("version efter ändringen", null=True, blank=True)
    code_list = models.ForeignKey(
        CodeList, on_delete=models.SET_NULL, null=True, blank=True, related_name="revisions", verbose_name="lista"
    )
    comment = models.CharField("kommentar", max_length=300, blank=True)
    cascade_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cascaded",
        verbose_name="borttagen tillsammans med",
        help_text="Raden togs bort för att den hörde till det borttagna objektet; återställs med det.",
    )

    class Meta:
        verbose_name = "ändring"
        verbose_name_plural = "ändringar"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_repr}"


class Draft(models.Model):
    class Status(models.TextChoices):
        WAITING = "vantar", "Väntar på granskning"
        RETURNED = "tillbaka", "Skickad tillbaka"
        APPROVED = "godkand", "Godkänd och publicerad"
        WITHDRAWN = "aterkallad", "Återkallad"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="slag")
    object_id = models.PositiveBigIntegerField("objektets id")
    object_repr = models.CharField("objekt", max_length=300)
    changes = models.JSONField("ändringar")
    base = models.JSONField("publicerat när utkastet gjordes")
    status = models.CharField("status", max_length=12, choices=Status.choices, default=Status.WAITING)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafts", verbose_name="författare"
    )
    created_at = models.DateTimeField("skapat", auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_drafts",
        verbose_name="granskare",
    )
    reviewed_at = models.DateTimeField("granskat", null=True, blank=True)
    comment = models.TextField("kommentar från granskaren", blank=True)
    code_list = models.ForeignKey(
        "catalog.CodeList",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="drafts",
        verbose_name="lista",
    )

    class Meta:
        verbose_name = "utkast"
        verbose_name_plural = "utkast"
        ordering = ["status", "-created_at"]
        permissions = [("publish_directly", "Får publicera direkt utan granskning (stavfel, brådskande rättelser)")]

    def __str__(self) -> str:
        return f"Utkast till {self.object_repr}"

    def target(self) -> models.Model | None:
        return self.content_type.model_class().objects.filter(pk=self.object_id).first()
