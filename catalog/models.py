"""The catalogue: source documents, their lists, sections and entries, and the codes.

Texts are stored as the source prints them. Every object the loader writes remembers what it
last wrote (``loaded``), so that a reload can tell a coordinator's edit from stale content,
and carries a ``version``, so that a stale save can be refused.
"""

import datetime
import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from . import textlinks
from .freshness import EVERYTHING


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


class SearchIndexState(models.Model):
    """One row: a token that changes whenever searchable content changes (see catalog.search)."""

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


class Revision(models.Model):
    """One change to one piece of content: who, when, and the object before and after."""

    class Action(models.TextChoices):
        CREATED = "created", "Skapad"
        CHANGED = "changed", "Ändrad"
        DELETED = "deleted", "Borttagen"
        REVERTED = "reverted", "Återställd"
        IMPORTED = "imported", "Importerad"
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


from .drafts import Draft  # noqa: E402, F401  (models of their own modules, registered here)

# Practice cases live in their own module; importing them here registers them with the app.
from .practice import PracticeCase, PracticeCount, PracticeQuote, PracticeSet  # noqa: E402, F401
from .suggestions import ChangeSuggestion  # noqa: E402, F401
