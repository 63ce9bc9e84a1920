"""Whatever changes content makes the in-process caches (search index, wizard tree, rendered pages) stale."""

import contextlib
import threading

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import (
    Code,
    CodeList,
    Concept,
    ContactType,
    DecisionCode,
    DocumentPart,
    Entry,
    Footnote,
    SearchIndexState,
    Section,
    SourceDocument,
    Synonym,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
)
from .practice import PracticeCase, PracticeQuote, PracticeSet

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


@contextlib.contextmanager
def one_generation_bump():
    """Inside this block (e.g. a whole load_content) content saves write one new token at the end,
    not one per save: a load of a thousand rows is one write to SearchIndexState, not a thousand."""
    depth = getattr(_batch, "depth", 0)
    _batch.depth = depth + 1
    if depth == 0:
        _batch.changed = False
    try:
        yield
    finally:
        _batch.depth = depth
        if depth == 0 and _batch.changed:
            SearchIndexState.bump()


@receiver(post_save)
@receiver(post_delete)
def searchable_content_changed(sender, **kwargs):
    if sender in CACHED:
        if getattr(_batch, "depth", 0):
            _batch.changed = True
        else:
            SearchIndexState.bump()
