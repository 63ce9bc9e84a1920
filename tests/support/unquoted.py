"""Content neither the visit wizard nor a practice case quotes, so a test may rewrite or delete it freely.

Edits that would break a quote are refused (see tests/editorial/test_editing_safety.py); tests that
need an ordinary edit pick their entry or section here, whatever the content files quote today.
"""


def quoted_refs() -> set[str]:
    from catalog.models import PracticeQuote, WizardCode, WizardNote

    return {
        *WizardCode.objects.values_list("quote_from", flat=True),
        *WizardNote.objects.values_list("quote_from", flat=True),
        *PracticeQuote.objects.values_list("quote_from", flat=True),
    }


def unquoted_entries(count: int, list_slug: str | None = None) -> list:
    """Entries with an Anvisning that no wizard answer quotes, in a stable order."""
    from catalog.models import Entry

    quoted = quoted_refs()
    entries = Entry.objects.filter(anvisning__isnull=False).select_related("code", "code_list").order_by("pk")
    if list_slug:
        entries = entries.filter(code_list__slug=list_slug)
    return [e for e in entries if f"entry:{e.code_list.slug}/{e.code.code}/anvisning" not in quoted][:count]


def unquoted_section():
    """The section with the most entries among those whose texts no wizard answer quotes."""
    from catalog.models import Section

    quoted = quoted_refs()

    def free(section) -> bool:
        slug = section.code_list.slug
        refs = {f"section:{slug}/{section.slug}"} | {
            f"entry:{slug}/{e.code.code}/{key}"
            for e in section.entries.all()
            for key in ("title", "beskrivning", "anvisning")
        }
        return not refs & quoted

    sections = Section.objects.select_related("code_list").prefetch_related("entries__code")
    return max((s for s in sections if free(s)), key=lambda s: len(s.entries.all()))
