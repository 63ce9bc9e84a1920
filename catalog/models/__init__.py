"""The app's models, one module per concern, all registered here.

Each module imports only the modules below it (tracked ← catalogue ← wizard, …), never this package,
so no model module needs another to import it at its bottom to be registered.
"""

from catalog.models.catalogue import (
    Code,
    CodeList,
    CodeQuerySet,
    ContactType,
    DecisionCode,
    DocumentPart,
    Entry,
    Footnote,
    Mention,
    Section,
    SourceDocument,
    retired,
)
from catalog.models.changes import EVERYTHING, ContentChange, SearchIndexState
from catalog.models.classroom import ClassAnswer, LiveClass
from catalog.models.editorial import Draft, Revision
from catalog.models.practice import PracticeCase, PracticeCount, PracticeQuote, PracticeSet
from catalog.models.search import Concept, SearchMiss, Synonym
from catalog.models.suggestions import ChangeSuggestion, SuggestionReply
from catalog.models.throttle import RateBucket
from catalog.models.tracked import ContentTracked, plain_value
from catalog.models.usage import UsageCount
from catalog.models.wizard import WizardCode, WizardNote, WizardOption, WizardStep

__all__ = [
    "EVERYTHING",
    "ChangeSuggestion",
    "ClassAnswer",
    "Code",
    "CodeList",
    "CodeQuerySet",
    "Concept",
    "ContactType",
    "ContentChange",
    "ContentTracked",
    "DecisionCode",
    "DocumentPart",
    "Draft",
    "Entry",
    "Footnote",
    "LiveClass",
    "Mention",
    "PracticeCase",
    "PracticeCount",
    "PracticeQuote",
    "PracticeSet",
    "RateBucket",
    "Revision",
    "SearchIndexState",
    "SearchMiss",
    "Section",
    "SourceDocument",
    "SuggestionReply",
    "Synonym",
    "UsageCount",
    "WizardCode",
    "WizardNote",
    "WizardOption",
    "WizardStep",
    "plain_value",
    "retired",
]
