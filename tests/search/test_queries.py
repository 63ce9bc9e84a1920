"""Search measured on queries written the way clinicians type (tests/data/search-queries.tsv).

Each row: the query, the codes of which one must be in the first three hits, what kind of query it
is (everyday word, jargon, typo, compound, several words, …) and why the content makes that code
right. Runs on whichever database the suite runs on (`make test` runs both).

It also measures how many queries pass only because of an entry in the synonym or concept files
(they fail with ``expand=False``), and fails if that share exceeds one fifth: the files must stay
general, not grow one test word at a time.
"""

import pytest

from catalog.search import engine as search_engine
from tests.support.paths import DATA

pytestmark = pytest.mark.django_db

TABLE = DATA / "search-queries.tsv"


def _rows() -> list[tuple[str, set[str], str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, expected, kind, why = line.split("\t")
        rows.append((query, set(expected.split()), kind, why))
    return rows


ROWS = _rows()


def _top3(query: str, **options) -> list[str]:
    return [hit.code for hit in search_engine.search(query, **options).hits[:3]]


@pytest.mark.parametrize(("query", "expected", "kind", "why"), ROWS, ids=[row[0] for row in ROWS])
def test_clinician_query_finds_an_expected_code_in_the_first_three(query, expected, kind, why):
    codes = _top3(query)
    assert expected & set(codes), f"{kind}: {query!r} gave {codes}; expected one of {sorted(expected)} ({why})"


def test_the_table_has_at_least_two_hundred_queries_of_every_kind():
    assert len(ROWS) >= 200
    kinds = {kind for _q, _e, kind, _w in ROWS}
    assert {"everyday", "jargon", "typo", "compound", "several"} <= kinds


def test_at_most_a_fifth_pass_only_because_of_a_synonym_or_concept(capsys):
    only_expanded = [
        query
        for query, expected, _kind, _why in ROWS
        if expected & set(_top3(query)) and not expected & set(_top3(query, expand=False))
    ]
    share = len(only_expanded) / len(ROWS)
    with capsys.disabled():
        print(
            f"\nsearch queries passing only through a synonym or concept: {len(only_expanded)} of {len(ROWS)}"
            f" ({share:.0%}; at most 20 % allowed)"
        )
    assert only_expanded, "the concept layer must matter for some queries"
    assert share <= 0.2, f"{share:.0%} pass only through synonyms/concepts: {only_expanded}"
