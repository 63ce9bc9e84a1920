"""Whatever changes content makes the in-process caches (search index, wizard tree) stale."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import (
    Code,
    CodeList,
    ContactType,
    Entry,
    SearchIndexState,
    Section,
    Synonym,
    WizardCode,
    WizardNote,
    WizardOption,
    WizardStep,
)
from .practice import PracticeCase, PracticeQuote, PracticeSet

CACHED = (Code, CodeList, Entry, Section, Synonym, ContactType, WizardStep, WizardOption, WizardCode, WizardNote)
# Practice cases: the wizard page shows a case's text (?ovning=), so an edit must refresh cached pages.
CACHED += (PracticeCase, PracticeQuote, PracticeSet)


@receiver(post_save)
@receiver(post_delete)
def searchable_content_changed(sender, **kwargs):
    if sender in CACHED:
        SearchIndexState.bump()
