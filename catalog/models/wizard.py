"""The visit wizard (/besok/) as the database holds it: steps, their answers, and what each answer suggests."""

from django.db import models

from catalog.models.catalogue import Code, ContactType
from catalog.models.tracked import ContentTracked


class WizardStep(ContentTracked):
    """A question in the visit wizard (/besok/)."""

    class Kind(models.TextChoices):
        SINGLE = "single", "Ett svar"
        MULTIPLE = "multiple", "Flera svar"

    slug = models.SlugField("kortnamn", max_length=60, unique=True, help_text="Syns i adressen; ändra inte i onödan.")
    order = models.PositiveIntegerField("ordning", default=0)
    is_start = models.BooleanField("första frågan", default=False)
    question = models.CharField("fråga", max_length=300)
    help = models.TextField("hjälptext", blank=True)
    kind = models.CharField("slag", max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    next_step = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="nästa steg",
        help_text="Bara för flervalsfrågor: steget som följer oavsett svar.",
    )
    optional = models.BooleanField("”Inget av detta” är ett svar", default=False)
    way_out = models.TextField(
        "när inget svar passar",
        blank=True,
        help_text="Vad man registrerar i stället när inget av svaren passar. Tomt: guidens allmänna text.",
    )

    class Meta:
        verbose_name = "fråga i besöksguiden"
        verbose_name_plural = "frågor i besöksguiden"
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return f"{self.slug}: {self.question}"


class WizardOption(ContentTracked):
    step = models.ForeignKey(WizardStep, on_delete=models.CASCADE, related_name="options", verbose_name="fråga")
    slug = models.SlugField("kortnamn", max_length=60, help_text="Syns i adressen; ändra inte i onödan.")
    order = models.PositiveIntegerField("ordning", default=0)
    label = models.CharField("svar", max_length=300)
    help = models.TextField("hjälptext", blank=True)
    next_step = models.ForeignKey(
        WizardStep,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_options",
        verbose_name="nästa steg",
        help_text="Bara för frågor med ett svar. Tomt: guiden är klar efter detta svar.",
    )
    contact_type = models.ForeignKey(
        ContactType, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="kontakttyp"
    )
    extra_points = models.DecimalField("extra kontaktpoäng", max_digits=4, decimal_places=2, null=True, blank=True)
    extra_points_from = models.CharField("källa för extra poäng", max_length=200, blank=True)
    no_code = models.BooleanField("ger uttryckligen ingen kod", default=False)
    unit_code = models.TextField(
        "koden väljs ur enhetens lista",
        blank=True,
        help_text=(
            "Guidens egna ord när besöket behöver en åtgärdskod som guiden inte har (ur enhetens egen kodlista). "
            "Ifyllt: resultatet säger att det inte räcker ensamt."
        ),
    )
    when = models.JSONField(
        "visas bara efter", default=list, blank=True, help_text="Svar (”steg/svar”) varav ett ska ha valts tidigare."
    )
    unless = models.JSONField(
        "visas inte efter", default=list, blank=True, help_text="Svar (”steg/svar”) som utesluter detta svar."
    )
    implied = models.BooleanField(
        "underförstått",
        default=False,
        help_text="Väljs utan att frågan ställs när villkoret ”visas bara efter” är uppfyllt.",
    )

    class Meta:
        verbose_name = "svar i besöksguiden"
        verbose_name_plural = "svar i besöksguiden"
        ordering = ["step", "order"]
        constraints = [models.UniqueConstraint(fields=["step", "slug"], name="unique_option_slug")]

    def __str__(self) -> str:
        return f"{self.step.slug}/{self.slug}: {self.label}"


class WizardCode(ContentTracked):
    class Role(models.TextChoices):
        HUVUDATGARD = "huvudåtgärd", "Huvudåtgärd"
        ATGARD = "åtgärd", "Åtgärd"
        TILLAGGSKOD = "tilläggskod", "Tilläggskod"
        RESERVKOD = "reservkod", "Reservkod (huvudåtgärd när ingen annan kod ges)"

    option = models.ForeignKey(WizardOption, on_delete=models.CASCADE, related_name="codes", verbose_name="svar")
    order = models.PositiveIntegerField("ordning", default=0)
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="wizard_uses", verbose_name="kod")
    role = models.CharField("roll", max_length=20, choices=Role.choices)
    reason = models.TextField("skäl (ordagrant citat ur regeln)")
    quote_from = models.CharField("citatets källa", max_length=200, help_text="T.ex. entry:psykiatri/AU118/anvisning")
    to_check = models.TextField("att kontrollera", blank=True)

    class Meta:
        verbose_name = "kod som svaret föreslår"
        verbose_name_plural = "koder som svaret föreslår"
        ordering = ["option", "order"]
        constraints = [models.UniqueConstraint(fields=["option", "code"], name="unique_code_per_option")]

    def __str__(self) -> str:
        return f"{self.code.code} ({self.role})"


class WizardNote(ContentTracked):
    option = models.ForeignKey(WizardOption, on_delete=models.CASCADE, related_name="notes", verbose_name="svar")
    order = models.PositiveIntegerField("ordning", default=0)
    text = models.TextField("text (ordagrant citat)")
    quote_from = models.CharField("citatets källa", max_length=200, blank=True)

    class Meta:
        verbose_name = "anteckning i resultatet"
        verbose_name_plural = "anteckningar i resultatet"
        ordering = ["option", "order"]

    def __str__(self) -> str:
        return self.text[:80]
