"""Whatever changes content makes the in-process caches (search index, wizard tree, rendered pages) stale."""

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


@receiver(post_save)
@receiver(post_delete)
def searchable_content_changed(sender, **kwargs):
    if sender in CACHED:
        SearchIndexState.bump()
