"""Whatever changes searchable content makes the search index stale."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Code, CodeList, Entry, SearchIndexState, Section, Synonym

SEARCHABLE = (Code, CodeList, Entry, Section, Synonym)


@receiver(post_save)
@receiver(post_delete)
def searchable_content_changed(sender, **kwargs):
    if sender in SEARCHABLE:
        SearchIndexState.bump()
