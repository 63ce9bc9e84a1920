from collections.abc import Collection

from django import template
from django.utils.safestring import SafeString

from catalog.caching import fragments, freshness
from catalog.models import ChangeSuggestion, Draft
from catalog.text import textlinks
from catalog.visits import presentation

register = template.Library()


@register.filter
def kodtext(text: str | None, known: Collection[str]) -> SafeString:
    """A stored text as paragraphs, with each code mention linked or marked as outside the lists."""
    return textlinks.paragraphs(textlinks.link_codes(text, known))


@register.filter
def kodrad(text: str | None, known: Collection[str]) -> SafeString:
    """Like kodtext, for one line (no paragraphs)."""
    return textlinks.link_codes(text, known)


@register.filter
def tast(position: int) -> str:
    """The key that chooses the answer at this 1-based position in presentation mode."""
    return presentation.answer_key(position)


@register.simple_tag
def kept(name: str, **values) -> SafeString:
    """A partial rendered once per distinct set of values and then reused (catalog.fragments).

    Give it plain values (strings, numbers) and everything the partial shows, never a model
    instance: a model compares by its id, so an edited one would still find the old HTML.
    """
    return fragments.render(name, **values)


@register.simple_tag(takes_context=True)
def new_suggestions(context) -> int | None:
    """How many suggestions wait in the queue, for a user who may see it (None otherwise)."""

    user = context["request"].user
    if not user.has_perm("catalog.view_changesuggestion"):
        return None
    return ChangeSuggestion.objects.filter(status=ChangeSuggestion.Status.NEW).count()


@register.simple_tag(takes_context=True)
def drafts_waiting(context) -> int | None:
    """How many drafts wait for review, for a user who may see them (None otherwise)."""

    if not context["request"].user.has_perm("catalog.view_draft"):
        return None
    return Draft.objects.filter(status=Draft.Status.WAITING).count()


@register.simple_tag
def content_version() -> str:
    """A short identifier of the content as this page was rendered (changes with every save)."""

    return freshness.last_seen().split(":", 1)[0][:8]
