"""catalog/swedish.py: the one module for Swedish analysis."""

import pytest
from django.db import connection

from catalog.search import engine as search_engine
from catalog.text import swedish

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


def test_a_word_with_a_digit_is_left_as_written():
    # Snowball alone would strip "arna" from "3dagarna"; a token with a digit is a code or a count.
    assert swedish.stem("3dagarna") == "3dagarna"
    assert swedish.term("3Dagarna") == "3dagarna"


def test_fold_lowercases_and_drops_every_accent_including_those_unicode_cannot_decompose():
    assert swedish.fold("Émile Åsa Ünal Øre Æble ABC") == "emile asa unal ore able abc"
    assert swedish.fold("plain ascii") == "plain ascii"


def test_words_analysed_privately_stem_and_fold_as_any_others_and_the_block_ends_cleanly():
    written = ["samtalen", "Besöket", "hästarna", "mötet", "Émile", "3dagarna", "kö"]
    outside = [swedish.term(w) for w in written], [swedish.fold(w) for w in written]
    with swedish.private():
        inside = [swedish.term(w) for w in written], [swedish.fold(w) for w in written]
        again = [swedish.term(w) for w in written]  # the private stemmer, kept per thread, is reused
    assert inside == outside and again == outside[0]
    assert outside[0][:4] == ["samtal", "besok", "hast", "mot"]
    # After the block, words are remembered again.
    unseen = "qzxvkarna"
    size = swedish._term_cached.cache_info().currsize
    swedish.term(unseen)
    assert swedish._term_cached.cache_info().currsize == size + 1


def test_inside_private_no_word_is_kept_by_the_caches_or_the_stemmer_and_outside_every_word_is():
    import random

    unseen = ["".join(random.choice("bcdfghjklmnpqrstvxz") for _ in range(12)) + "arna" for _ in range(2)]
    sizes = (swedish._fold_cached.cache_info().currsize, swedish._term_cached.cache_info().currsize)
    vars(swedish._local).pop("private_stemmer", None)  # this thread's, made afresh below
    with swedish.private():
        private_term = swedish.term(unseen[0])
        swedish.fold(unseen[1])
    # The words went through a stemmer whose own word cache is off (Snowball keeps words it stemmed).
    assert swedish._local.private_stemmer.maxCacheSize == 0
    assert (swedish._fold_cached.cache_info().currsize, swedish._term_cached.cache_info().currsize) == sizes
    assert swedish.term(unseen[0]) == private_term
    swedish.fold(unseen[1])
    assert swedish._term_cached.cache_info().currsize == sizes[1] + 1
    assert swedish._fold_cached.cache_info().currsize >= sizes[0] + 2


def test_a_new_thread_analyses_words_before_it_ever_enters_private():
    import threading

    found = {}

    def analyse():
        found["terms"] = (swedish.fold("Åsa"), swedish.term("samtalen"), swedish.stem("besöket"))

    worker = threading.Thread(target=analyse)
    worker.start()
    worker.join()
    assert found["terms"] == ("asa", "samtal", "besök")
