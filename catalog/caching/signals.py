"""Whatever changes content makes the in-process caches (search index, wizard tree, rendered pages) stale."""

import contextlib
import threading

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from catalog.caching.freshness import EVERYTHING
from catalog.models import (
    Code,
    CodeList,
    Concept,
    ContactType,
    DecisionCode,
    DocumentPart,
    Entry,
    Footnote,
    Mention,
    PracticeCase,
    PracticeQuote,
    PracticeSet,
    SearchIndexState,
    Section,
    SourceDocument,
    Synonym,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
)
from catalog.text import textlinks

CACHED = (
    Code,
    CodeList,
    Concept,
    Entry,
    Section,
    Synonym,
    ContactType,
    WizardStep,
    WizardOption,
    WizardCode,
    WizardNote,
    # Shown on cached pages (home, rule pages, decisions, code pages' "Nämns i") though not searched.
    SourceDocument,
    DocumentPart,
    Footnote,
    DecisionCode,
)
# Practice cases: the wizard page shows a case's text (?ovning=), so an edit must refresh cached pages.
CACHED += (PracticeCase, PracticeQuote, PracticeSet)


_batch = threading.local()

LISTED = "listade"
SEARCH_WORDS = "sok"
WIZARD = "besok"
WIZARD_MODELS = (WizardStep, WizardOption, WizardCode, WizardNote, PracticeCase, PracticeQuote, PracticeSet)


def code_tag(code: str) -> str:
    return f"kod:{code}"


def list_tag(slug: str) -> str:
    return f"lista:{slug}"


@contextlib.contextmanager
def one_generation_bump():
    """Inside this block (e.g. a whole load_content) content saves write one new token at the end,
    not one per save: a load of a thousand rows is one write to SearchIndexState, not a thousand.
    What such a block touched is not worked out row by row: it counts as touching anything."""
    depth = getattr(_batch, "depth", 0)
    _batch.depth = depth + 1
    if depth == 0:
        _batch.changed = False
    try:
        yield
    finally:
        _batch.depth = depth
        if depth == 0 and _batch.changed:
            SearchIndexState.bump(EVERYTHING)


@contextlib.contextmanager
def one_change():
    """Inside this block (a CSV import: use it inside the import's transaction) content saves write
    one token at the end, touching what all of them touched together. An import of thousands of
    rows is then one change that caches can still act on page by page, where a change per row
    would overrun what a server reads of recent changes and make it forget everything."""
    if getattr(_batch, "depth", 0) or getattr(_batch, "collected", None) is not None:
        yield  # already inside a batch: that one writes the token
        return
    _batch.collected = set()
    try:
        yield
        touched = _batch.collected
    finally:
        _batch.collected = None
    if touched:
        SearchIndexState.bump(touched)


def in_batch() -> bool:
    """Whether a whole load (one_generation_bump) is under way: per-row bookkeeping is skipped then."""
    return bool(getattr(_batch, "depth", 0))


def changed_without_signals() -> None:
    """For a write that sends no save signal (a queryset ``update``): the caches must still hear of it."""
    if getattr(_batch, "depth", 0):
        _batch.changed = True
    else:
        SearchIndexState.bump(EVERYTHING)


def _mentioned(instance, texts) -> set[str]:
    """The codes a text names now and, for a saved row, the codes its stored mentions named before."""
    codes = {code for text in texts for code in textlinks.codes_in(text or "")}
    if instance.pk is not None:
        field = "entry" if isinstance(instance, Entry) else "section"
        codes.update(Mention.objects.filter(**{field: instance.pk}).values_list("code", flat=True))
    return codes


def touched_by(instance, before: dict | None, deleted: bool) -> set[str]:
    """The pages one saved or deleted row can change; EVERYTHING when that is not worked out."""
    if isinstance(instance, (Synonym, Concept)):
        return {SEARCH_WORDS}
    if isinstance(instance, WIZARD_MODELS):
        return {WIZARD}
    if isinstance(instance, Entry):
        touched = {code_tag(instance.code.code), list_tag(instance.code_list.slug)}
        # "Nämns i" on the pages of the codes its texts name, before and after the change.
        touched |= {code_tag(c) for c in _mentioned(instance, [instance.beskrivning, instance.anvisning])}
        if deleted or before is None or before.get("entry") != (instance.code_id, instance.code_list_id):
            touched.add(LISTED)
            if before and before.get("entry_tags"):
                touched |= before["entry_tags"]
        return touched
    if isinstance(instance, Section):
        codes = Entry.objects.filter(section=instance.pk).values_list("code__code", flat=True)
        touched = {list_tag(instance.code_list.slug), *(code_tag(c) for c in codes)}
        touched |= {code_tag(c) for c in _mentioned(instance, [instance.instructions])}
        if deleted or before is None or before.get("section") != instance.code_list_id:
            touched.add(LISTED)
        return touched
    if isinstance(instance, CodeList):
        if deleted or before is None or before.get("code_list") != instance.slug:
            return set(EVERYTHING)
        codes = set(Entry.objects.filter(code_list=instance.pk).values_list("code__code", flat=True))
        # "Nämns i" names the list beside each of its rows and sections that mention a code.
        codes.update(Mention.objects.filter(entry__code_list=instance.pk).values_list("code", flat=True))
        codes.update(Mention.objects.filter(section__code_list=instance.pk).values_list("code", flat=True))
        return {list_tag(instance.slug), *(code_tag(c) for c in codes)}
    if isinstance(instance, Code):
        if deleted or before is None or before.get("code") != instance.code:
            return set(EVERYTHING)
        slugs = Entry.objects.filter(code=instance.pk).values_list("code_list__slug", flat=True)
        return {code_tag(instance.code), *(list_tag(s) for s in slugs)}
    # Documents, their parts, footnotes, contact types and decisions show on many pages.
    return set(EVERYTHING)


def _before(instance) -> dict | None:
    """What a change could move a row away from: the page tags of where it stood."""
    if instance.pk is None:
        return None
    if isinstance(instance, Entry):
        old = (
            Entry.objects.filter(pk=instance.pk)
            .values_list("code_id", "code_list_id", "code__code", "code_list__slug")
            .first()
        )
        if old is None:
            return None
        return {"entry": (old[0], old[1]), "entry_tags": {code_tag(old[2]), list_tag(old[3])}}
    if isinstance(instance, Section):
        old = Section.objects.filter(pk=instance.pk).values_list("code_list_id", flat=True).first()
        return None if old is None else {"section": old}
    if isinstance(instance, CodeList):
        old = CodeList.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        return None if old is None else {"code_list": old}
    if isinstance(instance, Code):
        old = Code.objects.filter(pk=instance.pk).values_list("code", flat=True).first()
        return None if old is None else {"code": old}
    return {}


@receiver(pre_save)
def remember_where_content_stood(sender, instance, raw=False, **kwargs):
    if sender in (Entry, Section, CodeList, Code) and not raw and not getattr(_batch, "depth", 0):
        instance._kva_before = _before(instance)


@receiver(post_save)
@receiver(post_delete)
def searchable_content_changed(sender, instance, signal=None, **kwargs):
    if sender not in CACHED:
        return
    if getattr(_batch, "depth", 0):
        _batch.changed = True
        return
    deleted = signal is post_delete
    before = getattr(instance, "_kva_before", None) if not deleted else {}
    if not deleted and not kwargs.get("created") and before is None and sender in (Entry, Section, CodeList, Code):
        before = {}  # saved without pre_save having run: treat where it stood as unknown
    try:
        touched = touched_by(instance, before, deleted)
    except ObjectDoesNotExist:
        touched = set(EVERYTHING)  # a row whose parent is already gone (a cascade): assume the worst
    collected = getattr(_batch, "collected", None)
    if collected is not None:
        collected.update(touched)
    else:
        SearchIndexState.bump(touched)
