"""Practice cases for trainers (/ovningar/): a visit in a clinician's words and its answer key.

Cases are content like the lists: loaded from ``catalog/content/ovningar.toml`` by load_content,
edited in the admin (by coordinators and by the group Utbildare), recorded in the history. The
answer key's quotes are checked word for word with the wizard's quote checker. Only anonymous
counts (tried, solved) are kept about learners.
"""

from django.db import IntegrityError, models, transaction
from django.urls import reverse

from catalog.models.catalogue import ContactType
from catalog.models.tracked import ContentTracked
from catalog.text import textlinks


class PracticeCase(ContentTracked):
    class Context(models.TextChoices):
        PSYKIATRI = "psykiatri", "Psykiatri"
        PSYKOLOG = "psykolog", "Psykolog (SKRS)"
        REHAB = "rehab", "Vårdval Rehab, distanskontakter"
        SOB = "sob", "Stöd och behandling"
        BHV = "bhv", "Barnhälsovård, utökade hembesök"

    slug = models.SlugField("kortnamn", max_length=80, unique=True, help_text="Syns i adressen; ändra inte i onödan.")
    order = models.PositiveIntegerField("ordning", default=0)
    title = models.CharField("rubrik", max_length=200)
    context = models.CharField("sammanhang", max_length=20, choices=Context.choices)
    text = models.TextField("besöket", help_text="Besöket som en kliniker beskriver det.")
    required_codes = models.CharField(
        "koder som ska användas",
        max_length=300,
        blank=True,
        help_text="Koder med mellanslag emellan, t.ex. ”AU006 AU118”.",
    )
    forbidden_codes = models.CharField("koder som inte får användas", max_length=300, blank=True)
    allowed_codes = models.CharField(
        "koder som får användas men inte behövs", max_length=300, blank=True, help_text="Ger varken plus eller minus."
    )
    contact_type = models.ForeignKey(
        ContactType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="kontakttyp",
        help_text="Där reglerna ger en kontakttyp (Vårdval Rehab, Stöd och behandling). Avgift och poäng följer med.",
    )
    extra_points = models.DecimalField(
        "extra kontaktpoäng", max_digits=4, decimal_places=2, null=True, blank=True, help_text="T.ex. neurovårdteam."
    )
    trap = models.TextField("fällan", blank=True, help_text="Detaljen som utesluter koden en snabb läsning väljer.")
    explanation = models.TextField("förklaring", blank=True, help_text="Utbildarens egna ord; citaten står nedan.")

    class Meta:
        verbose_name = "övning"
        verbose_name_plural = "övningar"
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:practice-case", args=[self.slug])

    @property
    def required(self) -> list[str]:
        return textlinks.codes_in(self.required_codes)

    @property
    def forbidden(self) -> list[str]:
        return textlinks.codes_in(self.forbidden_codes)

    @property
    def allowed(self) -> list[str]:
        return textlinks.codes_in(self.allowed_codes)


class PracticeQuote(ContentTracked):
    """A word-for-word quote that justifies part of the key: why a code is needed, or why it is wrong."""

    class About(models.TextChoices):
        REQUIRED = "kravs", "Koden krävs"
        FORBIDDEN = "fel", "Koden är fel här"
        ALLOWED = "tillats", "Koden får användas"
        CONTACT = "kontakt", "Kontakttyp, avgift eller poäng"
        GENERAL = "allmant", "Allmänt"

    case = models.ForeignKey(PracticeCase, on_delete=models.CASCADE, related_name="quotes", verbose_name="övning")
    order = models.PositiveIntegerField("ordning", default=0)
    about = models.CharField("gäller", max_length=10, choices=About.choices)
    code = models.CharField("kod", max_length=5, blank=True, help_text="Koden citatet gäller (tom för kontakttyp).")
    quote = models.TextField("citat (ordagrant)")
    quote_from = models.CharField("citatets källa", max_length=200, help_text="T.ex. entry:psykiatri/AU118/anvisning")

    class Meta:
        verbose_name = "citat i facit"
        verbose_name_plural = "citat i facit"
        ordering = ["case", "order"]

    def __str__(self) -> str:
        return f"{self.code or self.get_about_display()}: {self.quote[:60]}"


class PracticeSet(ContentTracked):
    """Cases a trainer gives a class under one link (/ovningar/set/<slug>/)."""

    slug = models.SlugField("kortnamn", max_length=80, unique=True)
    title = models.CharField("rubrik", max_length=200)
    intro = models.TextField("inledning", blank=True)
    cases = models.ManyToManyField(PracticeCase, related_name="sets", verbose_name="övningar", blank=True)

    class Meta:
        verbose_name = "övningsset"
        verbose_name_plural = "övningsset"
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:practice-set", args=[self.slug])


class PracticeCount(models.Model):
    """How often a case was checked and solved: only counts, nothing about who."""

    case = models.OneToOneField(PracticeCase, on_delete=models.CASCADE, related_name="stats", verbose_name="övning")
    tried = models.PositiveIntegerField("rättade svar", default=0)
    solved = models.PositiveIntegerField("helt rätt", default=0)

    class Meta:
        verbose_name = "antal försök"
        verbose_name_plural = "antal försök"

    def __str__(self) -> str:
        return f"{self.case}: {self.solved}/{self.tried}"

    @classmethod
    def record(cls, case: PracticeCase, solved: bool) -> None:
        changes = {"tried": models.F("tried") + 1}
        if solved:
            changes["solved"] = models.F("solved") + 1
        if cls.objects.filter(case=case).update(**changes):
            return
        try:
            with transaction.atomic():
                cls.objects.create(case=case, tried=1, solved=int(solved))
        except IntegrityError:
            cls.objects.filter(case=case).update(**changes)
