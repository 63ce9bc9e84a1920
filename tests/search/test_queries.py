"""Search measured on queries written the way clinicians type (tests/data/search-queries.tsv).

Each row: the query, the codes of which one must be in the first three hits, what kind of query it
is (everyday word, jargon, typo, compound, several words, …) and why the content makes that code
right. Runs on whichever database the suite runs on (`make test` runs both).

It also measures how many queries pass only because of an entry in the synonym or concept files
(they fail with ``expand=False``), and fails if that share exceeds one fifth: the files must stay
general, not grow one test word at a time.

Many queries copy the expected code's title, which any search finds. So every query is also
classed by a fixed rule (``query_class``) as a title copy, a near copy or colloquial, and hit@1
and hit@3 are reported per class, with a floor under the colloquial class's.
"""

import pytest
from rapidfuzz.distance import OSA

from catalog.models import Code, Entry
from catalog.search import engine as search_engine
from catalog.text import swedish
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


# --- title copies, near copies and colloquial queries ------------------------------------------
# The colloquial class's scores today: of 166 queries, 149 have an expected code first and all 166
# one in the first three. A change that loses one fails; raise them when search gets better.
COLLOQUIAL_HIT1_FLOOR = 149 / 166
COLLOQUIAL_HIT3_FLOOR = 166 / 166
TYPO_MIN = 5  # letters: shorter words one edit apart are often other words
PART_MIN = 4  # letters: a shorter piece of a title word is too often just a suffix


def title_words() -> dict[str, set[str]]:
    """Each code's title words, folded: its canonical title and every title a list prints for it."""
    found: dict[str, set[str]] = {}
    for code, title in [*Code.objects.values_list("code", "title"), *Entry.objects.values_list("code__code", "title")]:
        found.setdefault(code, set()).update(swedish.fold(w) for w in swedish.words(title))
    return found


def _joined(word: str, words: set[str]) -> bool:
    """Two title words written as one ("mentaliseringsbaserad"), with or without a linking s/e."""
    for cut in range(PART_MIN, len(word) - PART_MIN + 1):
        head, tail = word[:cut], word[cut:]
        if tail in words and (head in words or (head[-1] in "se" and head[:-1] in words)):
            return True
    return False


def _near(word: str, words: set[str], terms: set[str]) -> bool:
    folded, term = swedish.fold(word), swedish.term(word)
    if term in terms:
        return True
    typo = [(folded, w) for w in words] + [(term, t) for t in terms]
    if any(len(a) >= TYPO_MIN and len(b) >= TYPO_MIN and OSA.distance(a, b) <= 1 for a, b in typo):
        return True
    return (len(folded) >= PART_MIN and any(folded in w for w in words)) or _joined(folded, words)


def query_class(query: str, expected: set[str], titles: dict[str, set[str]]) -> str:
    """The rule, fixed before the scores were read:

    * "title copy": for one expected code, every content word of the query (its words less
      swedish.STOPWORDS) has the term (Snowball stem, å/ä/ö folded) of one of the code's title words;
    * "near copy": otherwise, for one expected code, every content word is such a term, or one edit
      (a letter added, dropped, changed, or two swapped) from a title word or its term (both of at
      least five letters), or a part of at least four letters of a title word ("självbild"), or two
      title words written as one ("mentaliseringsbaserad");
    * "colloquial": every other query (everyday words, jargon, abbreviations, other words).
    """
    content = [w for w in swedish.words(query) if w.lower() not in swedish.STOPWORDS]
    own = [titles.get(code, set()) for code in sorted(expected)]
    if any({swedish.term(w) for w in content} <= {swedish.term(t) for t in words} for words in own):
        return "title copy"
    if any(all(_near(w, words, {swedish.term(t) for t in words}) for w in content) for words in own):
        return "near copy"
    return "colloquial"


def test_colloquial_queries_score_apart_and_do_not_fall_below_todays_hits(capsys):
    titles = title_words()
    scores: dict[str, list[tuple[bool, bool]]] = {"title copy": [], "near copy": [], "colloquial": []}
    for query, expected, _kind, _why in ROWS:
        codes = _top3(query)
        scores[query_class(query, expected, titles)].append(
            (bool(codes) and codes[0] in expected, bool(expected & set(codes)))
        )

    def line(name: str) -> str:
        rows = scores[name]
        hit1, hit3 = sum(r[0] for r in rows), sum(r[1] for r in rows)
        return f"{name} {len(rows)}: hit@1 {hit1} ({hit1 / len(rows):.1%}), hit@3 {hit3} ({hit3 / len(rows):.1%})"

    with capsys.disabled():
        print("\nsearch queries by class: " + "; ".join(line(name) for name in scores))
    colloquial = scores["colloquial"]
    assert len(colloquial) >= len(ROWS) // 4, "the table must keep a colloquial quarter"
    assert sum(r[0] for r in colloquial) / len(colloquial) >= COLLOQUIAL_HIT1_FLOOR
    assert sum(r[1] for r in colloquial) / len(colloquial) >= COLLOQUIAL_HIT3_FLOOR


@pytest.mark.parametrize(
    ("query", "expected", "name"),
    [
        ("krisplan", "AU123", "title copy"),
        ("krisplaner", "AU123", "title copy"),  # the same stem
        ("lakemedelsgenom-gang enkel", "XV015", "title copy"),  # typed without å/ä/ö
        ("kirsplan", "AU123", "near copy"),  # two letters swapped
        ("självbild", "QA015", "near copy"),  # part of "Självbildsträning"
        ("mentaliseringsbaserad", "DU013", "near copy"),  # "mentaliserings-baserad" as one word
        ("självmordstankar", "AU118", "colloquial"),
        ("ringde mamman", "XS011", "colloquial"),
        ("telefontolk", "ZV020", "colloquial"),  # "tolk" with a word the title does not have
    ],
)
def test_the_class_rule_on_examples(query, expected, name):
    assert query_class(query, {expected}, title_words()) == name
