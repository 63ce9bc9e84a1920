"""The catalogue: source documents, their lists, sections and entries, and the codes.

Texts are stored as the source prints them.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from catalog.models.tracked import ContentTracked
from catalog.text import textlinks


class SourceDocument(ContentTracked):
    class Kind(models.TextChoices):
        BASLISTA = "baslista", "Baslista"
        REGLER = "regler", "Regler"
        GUIDE = "guide", "Vägledning"
        BESLUT = "beslut", "Beslut"

    slug = models.SlugField("kortnamn", max_length=80, unique=True)
    title = models.CharField("titel", max_length=300)
    kind = models.CharField("slag", max_length=20, choices=Kind.choices)
    issuer = models.CharField("utfärdare", max_length=300, blank=True)
    identifier = models.CharField("diarienummer", max_length=80, blank=True)
    date = models.DateField("datum", null=True, blank=True)
    valid_from = models.DateField("gäller från", null=True, blank=True)
    seed_file = models.CharField("källfil", max_length=200, blank=True)
    note = models.TextField("anmärkning om källan", blank=True)

    class Meta:
        verbose_name = "källdokument"
        verbose_name_plural = "källdokument"
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.identifier})" if self.identifier else self.title

    def get_absolute_url(self) -> str:
        if self.kind == self.Kind.BESLUT:
            return reverse("catalog:decision", args=[self.decision_key])
        if self.kind in (self.Kind.REGLER, self.Kind.GUIDE):
            return reverse("catalog:rules", args=[self.slug])
        code_list = self.code_lists.first()
        return code_list.get_absolute_url() if code_list else reverse("catalog:home")

    @property
    def decision_key(self) -> str:
        """The decision's address segment: its diarienummer with every run of non-letters as one
        hyphen ("RS 2026/78" → "RS-2026-78"), or its kortnamn when it has none, so no identifier
        can break an address."""
        return "-".join(re.findall(r"[^\W_]+", self.identifier)) or self.slug

    def clean(self):
        super().clean()
        if self.kind == self.Kind.BESLUT and not re.search(r"[^\W_]", self.identifier):
            raise ValidationError({"identifier": "Ett beslut behöver ett diarienummer, t.ex. RS 2026-00078."})


class DocumentPart(ContentTracked):
    """A passage of a rule page, guide or decision, in the document's own order and words."""

    document = models.ForeignKey(
        SourceDocument, on_delete=models.CASCADE, related_name="parts", verbose_name="källdokument"
    )
    slug = models.SlugField("kortnamn", max_length=80)
    order = models.PositiveIntegerField("ordning", default=0)
    heading = models.CharField("rubrik", max_length=300)
    body = models.TextField("text")
    note = models.TextField("anmärkning om källan", blank=True)

    class Meta:
        verbose_name = "avsnitt i källdokument"
        verbose_name_plural = "avsnitt i källdokument"
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "slug"], name="unique_part_slug")]

    def __str__(self) -> str:
        return f"{self.document.title}: {self.heading}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Mention.refresh(self, [self.body])


class CodeQuerySet(models.QuerySet):
    def listed_among(self, codes) -> set[str]:
        """Which of these codes stand in a list (and so have a page to link to)."""
        codes = set(codes)
        if not codes:
            return set()
        return set(self.filter(code__in=codes, entries__isnull=False).values_list("code", flat=True).distinct())


class Code(ContentTracked):
    code = models.CharField("kod", max_length=5, unique=True)
    title = models.CharField(
        "titel", max_length=300, blank=True, help_text="Kanonisk titel. Tom om källorna inte anger någon."
    )
    is_tillaggskod = models.BooleanField("tilläggskod", default=False)
    is_regional = models.BooleanField("regional kod", default=False)
    outside_lists = models.BooleanField(
        "utanför listorna", default=False, help_text="Koden nämns i källornas texter men står inte i någon lista."
    )
    note = models.TextField("anmärkning", blank=True)
    valid_from = models.DateField("gäller från", null=True, blank=True)
    valid_to = models.DateField(
        "gäller till",
        null=True,
        blank=True,
        help_text="Sista dagen koden gäller. Utgångna koder visas som utgångna och föreslås aldrig.",
    )
    decision = models.ForeignKey(
        "SourceDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_codes",
        verbose_name="beslut",
        help_text="Beslutet som införde eller avvecklade koden.",
    )

    objects = CodeQuerySet.as_manager()

    class Meta:
        verbose_name = "kod"
        verbose_name_plural = "koder"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return reverse("catalog:code", args=[self.code])

    @property
    def is_retired(self) -> bool:
        return retired(self.valid_to)


def retired(valid_to: datetime.date | None, today: datetime.date | None = None) -> bool:
    """A code or entry has gone out of use the day after its last valid day."""
    return valid_to is not None and valid_to < (today or timezone.localdate())


class CodeList(ContentTracked):
    slug = models.SlugField("kortnamn", max_length=80, unique=True)
    title = models.CharField("titel", max_length=300)
    source = models.ForeignKey(
        SourceDocument, on_delete=models.PROTECT, related_name="code_lists", verbose_name="källa"
    )
    order = models.PositiveIntegerField("ordning", default=0)
    intro = models.TextField("inledning", blank=True)
    beskrivning_label = models.CharField("rubrik för beskrivning", max_length=100, default="Beskrivning")
    anvisning_label = models.CharField("rubrik för anvisning", max_length=100, default="Anvisning")
    requires_review = models.BooleanField(
        "ändringar kräver granskning",
        default=False,
        help_text="Ändringar av listans texter sparas som utkast och publiceras först när en annan samordnare godkänt dem.",
    )

    class Meta:
        verbose_name = "lista"
        verbose_name_plural = "listor"
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:list", args=[self.slug])


class Section(ContentTracked):
    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="sections", verbose_name="lista")
    slug = models.SlugField("kortnamn", max_length=80)
    order = models.PositiveIntegerField("ordning", default=0)
    title = models.CharField("rubrik", max_length=300)
    overview_title = models.CharField("rubrik i översikten", max_length=300, blank=True)
    instructions_title = models.CharField("rubrik för anvisning", max_length=300, blank=True)
    instructions = models.TextField("avsnittets anvisning", blank=True)
    note = models.TextField("anmärkning om källan", blank=True)

    class Meta:
        verbose_name = "avsnitt"
        verbose_name_plural = "avsnitt"
        ordering = ["code_list", "order"]
        constraints = [models.UniqueConstraint(fields=["code_list", "slug"], name="unique_section_slug")]

    def __str__(self) -> str:
        return f"{self.code_list.title}: {self.title}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Mention.refresh(self, [self.instructions])


class Entry(ContentTracked):
    """A code as one list prints it, in one of that list's sections."""

    code_list = models.ForeignKey(CodeList, on_delete=models.CASCADE, related_name="entries", verbose_name="lista")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="entries", verbose_name="avsnitt")
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="entries", verbose_name="kod")
    order = models.PositiveIntegerField("ordning", default=0)
    title = models.CharField("titel som listan skriver den", max_length=300)
    marker = models.CharField("markering", max_length=20, blank=True, help_text="T.ex. ”(i)”, som källan skriver den.")
    beskrivning = models.TextField("beskrivning", null=True, blank=True)
    anvisning = models.TextField("anvisning", null=True, blank=True)
    overview_title = models.CharField("titel i översikten", max_length=300, null=True, blank=True)
    overview_marker = models.CharField("markering i översikten", max_length=20, blank=True)
    in_table = models.BooleanField("står i anvisningstabellen", default=True)
    note = models.TextField("anmärkning om källan", blank=True)
    valid_to = models.DateField("gäller till", null=True, blank=True, help_text="Sista dagen posten gäller i listan.")

    class Meta:
        verbose_name = "post"
        verbose_name_plural = "poster"
        ordering = ["code_list", "section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="unique_code_per_section")]

    def __str__(self) -> str:
        return f"{self.code.code} {self.title} ({self.code_list.title})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        Mention.refresh(self, [self.beskrivning, self.anvisning])

    @property
    def is_retired(self) -> bool:
        return retired(self.valid_to) or self.code.is_retired

    @property
    def retired_on(self) -> datetime.date | None:
        dates = [d for d in (self.valid_to, self.code.valid_to) if d is not None]
        return min(dates) if dates else None


class ContactType(ContentTracked):
    """A row of a rule document's contact-type table (Vårdval Rehab, Stöd och behandling)."""

    document = models.ForeignKey(
        SourceDocument, on_delete=models.CASCADE, related_name="contact_types", verbose_name="källdokument"
    )
    slug = models.SlugField("kortnamn", max_length=80)
    order = models.PositiveIntegerField("ordning", default=0)
    printed = models.CharField("kontakttyp som källan skriver den", max_length=300)
    name = models.CharField("kontakttyp", max_length=200)
    abbreviation = models.CharField("förkortning", max_length=20, blank=True)
    staff_category = models.CharField("personalkategori", max_length=200, blank=True)
    description = models.TextField("beskrivning", blank=True)
    patient_fee = models.CharField("patientavgift", max_length=200, blank=True)
    contact_points = models.CharField("kontaktpoäng som källan skriver dem", max_length=20, blank=True)
    points = models.DecimalField("kontaktpoäng", max_digits=4, decimal_places=2, null=True, blank=True)
    qualified = models.BooleanField("kvalificerad hälso- och sjukvård", default=False)
    required_codes = models.JSONField("koder som krävs", default=list, blank=True)
    one_of_codes = models.JSONField("en av dessa koder krävs", default=list, blank=True)
    footnotes = models.JSONField("fotnoter", default=list, blank=True)
    note = models.TextField("anmärkning om källan", blank=True)

    class Meta:
        verbose_name = "kontakttyp"
        verbose_name_plural = "kontakttyper"
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "slug"], name="unique_contact_type_slug")]

    def __str__(self) -> str:
        return f"{self.printed} – {self.staff_category}" if self.staff_category else self.printed


class Footnote(ContentTracked):
    document = models.ForeignKey(
        SourceDocument, on_delete=models.CASCADE, related_name="footnotes", verbose_name="källdokument"
    )
    mark = models.CharField("tecken", max_length=5)
    text = models.TextField("text")

    class Meta:
        verbose_name = "fotnot"
        verbose_name_plural = "fotnoter"
        ordering = ["document", "mark"]
        constraints = [models.UniqueConstraint(fields=["document", "mark"], name="unique_footnote_mark")]

    def __str__(self) -> str:
        return f"{self.mark} {self.text[:60]}"


class Mention(models.Model):
    """A code named in a text: what makes "Nämns i" on a code's page one query."""

    code = models.CharField(max_length=5, db_index=True)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, null=True, related_name="mentions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, null=True, related_name="mentions")
    part = models.ForeignKey(DocumentPart, on_delete=models.CASCADE, null=True, related_name="mentions")

    class Meta:
        verbose_name = "omnämnande"
        verbose_name_plural = "omnämnanden"

    def __str__(self) -> str:
        return f"{self.code} i {self.entry or self.section or self.part}"

    @classmethod
    def refresh(cls, owner: models.Model, texts: list[str | None]) -> None:
        field = {Entry: "entry", Section: "section", DocumentPart: "part"}[type(owner)]
        own_code = owner.code.code if isinstance(owner, Entry) else None
        codes = [code for code in textlinks.codes_in("\n".join(t or "" for t in texts)) if code != own_code]
        cls.objects.filter(**{field: owner}).delete()
        cls.objects.bulk_create(cls(code=code, **{field: owner}) for code in codes)


class DecisionCode(models.Model):
    """A code a regional decision creates or retires; applying it changes the catalogue."""

    class Action(models.TextChoices):
        CREATE = "ny", "Ny kod"
        RETIRE = "utgar", "Koden utgår"

    decision = models.ForeignKey(
        SourceDocument,
        on_delete=models.CASCADE,
        related_name="decision_codes",
        verbose_name="beslut",
        limit_choices_to={"kind": SourceDocument.Kind.BESLUT},
    )
    action = models.CharField("åtgärd", max_length=10, choices=Action.choices, default=Action.CREATE)
    code = models.CharField("kod", max_length=5)
    title = models.CharField(
        "kodtext", max_length=300, blank=True, help_text="För nya koder: texten som beslutet ger koden."
    )
    code_list = models.ForeignKey(CodeList, on_delete=models.PROTECT, null=True, blank=True, verbose_name="lista")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True, verbose_name="avsnitt")
    date = models.DateField(
        "från och med / till och med", null=True, blank=True, help_text="Ny kod: gäller från. Utgår: sista giltiga dag."
    )
    applied_at = models.DateTimeField("genomförd", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "kod i beslutet"
        verbose_name_plural = "koder i beslutet"
        constraints = [models.UniqueConstraint(fields=["decision", "code", "action"], name="unique_decision_code")]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_action_display()})"
