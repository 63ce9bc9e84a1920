"""What a search answers: ranked hits, the hint, "Menade du …", and links into the visit wizard."""

import datetime
import functools
import html
import re
from dataclasses import dataclass, field

from django.utils.safestring import SafeString


@dataclass
class Hit:
    code: str
    title: str
    url: str
    lists: list[str]
    snippet: SafeString
    title_html: SafeString
    retired_on: datetime.date | None = None

    @functools.cached_property
    def snippet_text(self) -> str:
        return html.unescape(re.sub(r"</?mark>", "", str(self.snippet)))


@dataclass
class WizardLink:
    label: str  # the answer in the visit wizard
    question: str  # the question it answers
    url: str


@dataclass
class DocumentLink:
    title: str  # a rule document, guide or decision
    identifier: str  # a decision's number ("RS 2024-00668"), else ""
    url: str
    kind: str  # SourceDocument.Kind: beslut, regler, guide


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    hint: str = ""
    suggestion: str = ""  # "Menade du …": the query with unknown words replaced by the nearest known ones
    nearest: list[Hit] = field(default_factory=list)  # on a miss: the codes the suggestion finds
    wizard_links: list[WizardLink] = field(default_factory=list)
    documents: list[DocumentLink] = field(default_factory=list)  # rules and decisions the query names
    inom: str = ""
