"""catalog/swedish.py: the one module for Swedish analysis."""

import pytest
from django.db import connection

from catalog import search as search_engine
from catalog import swedish

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("word", "stem"), [("samtalet", "samtal"), ("besöket", "besök"), ("mötet", "möt"), ("beslutet", "beslut")]
)
def test_stems_come_from_the_snowball_library(word, stem):
    # The hand-written stemmer that was here got these four wrong (it left "samtalet" whole, …).
    assert swedish.stem(word) == stem


def _content_words() -> set[str]:
    index = search_engine.current_index()
    words = set()
    for indexed in index.codes.values():
        for text in [indexed.title, *indexed.texts]:
            words.update(w.lower() for w in swedish.words(text) if w.isalpha() and w.lower() not in swedish.STOPWORDS)
    return words


def test_the_same_word_stems_alike_on_both_databases():
    """Search stems in Python with this module on SQLite and PostgreSQL alike: every term of the
    index is a content word's term (so `make test`, running this on both, shows the same stems).

    PostgreSQL's own ``swedish_stem`` is not used: PostgreSQL 15 ships an older Snowball that
    leaves "besöket", "samtalet" and "arbetet" whole, where the library stems them."""
    index = search_engine.current_index()
    words = _content_words()
    missing = {w for w in words if swedish.term(w) not in index.buckets}
    assert not missing
    assert {"samtal", "besok", "beslut"} <= set(index.vocabulary)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT ts_lexize('swedish_stem', 'samtalen'), ts_lexize('swedish_stem', 'behandlingar')")
            assert cursor.fetchone() == (["samtal"], ["behandling"])  # where the two agree
    assert swedish.term("samtalen") == "samtal" and swedish.term("behandlingar") == "behandling"


def test_term_folds_after_stemming_so_words_typed_without_dots_meet():
    assert swedish.term("läkemedel") == swedish.term("lakemedel") == "lakemedel"
    assert swedish.fold("Åtgärd") == "atgard"


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("videosamtal", ["video", "samtal"]),
        ("anhörigsamtal", ["anhorig", "samtal"]),
        ("narstaendeutbildning", ["narstaende", "utbildning"]),
        ("läkemedelsgenomgång", ["lakemedels", "genomgang"]),
    ],
)
def test_compound_is_split_into_known_words(word, parts):
    known = {"video", "samtal", "anhorig", "narstaende", "utbildning", "lakemedel", "genomgang"}
    assert swedish.split_compound(word, known) == parts


def test_a_word_that_is_no_compound_is_not_split_and_long_input_is_not_tried():
    known = {"video", "samtal"}
    assert swedish.split_compound("video", known) is None
    assert swedish.split_compound("xyzabc", known) is None
    assert swedish.split_compound("video" * 20, known) is None  # past 40 letters: bounded cost


def test_concept_table_looks_up_inflected_everyday_words_by_their_terms():
    table = swedish.concept_table([("ringa, ringde, ringa upp", "telefon"), ("sprit", "alkohol, ZV051")])
    assert table[(swedish.term("ringde"),)] == [["telefon"]]
    assert table[(swedish.term("Ringa"),)] == [["telefon"]]
    assert table[(swedish.term("spriten"),)] == [["alkohol"], ["ZV051"]]
