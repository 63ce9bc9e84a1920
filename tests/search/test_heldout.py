"""Search measured on queries written for issue 26 before any tuning (tests/data/search-heldout.tsv).

The table is split by a fixed rule (tests.support.queries.half_of) into a tuning half and a held-out half;
search was tuned on the first only. This module checks the split and the table's own honesty (every
acceptable code is a listed code, every quoted source word stands in the content), and pins floors for
hit@1 and hit@3 on each half, so that a change that loses ground on queries nobody tuned to fails here.
"""

import re

import pytest

from catalog.models import Entry, SourceDocument
from catalog.search import engine as search_engine
from tests.support.paths import DATA
from tests.support.queries import half_of, heldout_rows

pytestmark = pytest.mark.django_db

ROWS = heldout_rows(DATA / "search-heldout.tsv")
QUOTE_RE = re.compile(r'(?:^|;\s*)(\S+) "([^"]+)"')
CODE_RE = re.compile(r"[A-Z]{2}[0-9]{3}")


def _normal(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def test_the_table_holds_three_hundred_queries_split_by_the_hash_of_each_query():
    assert len(ROWS) >= 300
    assert len({query for query, *_ in ROWS}) == len(ROWS)
    assert all(half == half_of(query) for query, _e, _k, half, _w in ROWS)
    halves = [half for *_rest, half, _w in ROWS]
    assert min(halves.count("tuning"), halves.count("held-out")) >= 150


def test_every_acceptable_code_is_listed_and_every_quote_stands_in_the_content_word_for_word():
    by_code: dict[str, list[str]] = {}
    for entry in Entry.objects.select_related("code", "section"):
        by_code.setdefault(entry.code.code, []).extend(
            _normal(text)
            for text in (entry.code.title, entry.title, entry.beskrivning, entry.anvisning, entry.section.instructions)
        )
    documents = []
    for document in SourceDocument.objects.prefetch_related("parts", "contact_types", "footnotes"):
        documents += [_normal(document.title)] + [
            _normal(f"{part.heading} {part.body}") for part in document.parts.all()
        ]
        documents += [_normal(f"{c.printed} {c.description}") for c in document.contact_types.all()]
        documents += [_normal(c.printed) for c in document.contact_types.all()]
        documents += [_normal(footnote.text) for footnote in document.footnotes.all()]
    everything = documents + [text for texts in by_code.values() for text in texts]
    for query, expected, _kind, _half, why in ROWS:
        assert expected and expected <= set(by_code), f"{query!r}: {sorted(expected - set(by_code))} is in no list"
        quotes = QUOTE_RE.findall(why)
        assert quotes, f"{query!r} quotes no source words"
        for who, quote in quotes:
            texts = by_code.get(who, []) if CODE_RE.fullmatch(who) else everything
            assert any(_normal(quote) in text for text in texts), f"{query!r}: {who} does not say {quote!r}"


# --- how often the right code comes first -------------------------------------------------------------
# Measured when the table was written and search tuned (docs/search.md#measured, bench/search_quality.py):
# tuning 191/205 first (93.2 %), 202 in the first three (98.5 %); held-out 181/210 (86.2 %), 204 (97.1 %);
# the project's older table 458/477 first (96.0 %). Floors just under those, so ground lost fails here.
FLOORS = {"tuning": (0.93, 0.98), "held-out": (0.86, 0.97)}
TABLE_FLOOR = 0.955
MAX_OWED = 0.2  # hits owed to a synonym or concept entry alone


def _shown(query: str, expand: bool = True) -> list[str]:
    """The first three codes the page shows: the hits, or on a miss the nearest codes under "Menade du …"."""
    result = search_engine.search(query, expand=expand)
    return [hit.code for hit in (result.hits or result.nearest)[:3]]


@pytest.mark.parametrize("half", ["tuning", "held-out"])
def test_the_right_code_comes_first_on_queries_search_was_not_tuned_to(half, capsys):
    rows = [(query, expected) for query, expected, _kind, row_half, _why in ROWS if row_half == half]
    first = third = owed = 0
    for query, expected in rows:
        shown = _shown(query)
        first += bool(shown) and shown[0] in expected
        if expected & set(shown):
            third += 1
            owed += not expected & set(_shown(query, expand=False))
    with capsys.disabled():
        print(
            f"\n{half}: first {first}/{len(rows)} ({first / len(rows):.1%}), first three {third}/{len(rows)}"
            f" ({third / len(rows):.1%}), owed to a synonym or concept alone {owed} ({owed / third:.1%})"
        )
    least_first, least_third = FLOORS[half]
    assert first / len(rows) >= least_first
    assert third / len(rows) >= least_third
    assert owed / third <= MAX_OWED


def test_the_right_code_comes_first_on_the_projects_own_table():
    from tests.search.test_queries import ROWS as TABLE

    first = sum(bool(codes := _shown(query)) and codes[0] in expected for query, expected, _k, _w in TABLE)
    assert first / len(TABLE) >= TABLE_FLOOR, f"{first} of {len(TABLE)}"
