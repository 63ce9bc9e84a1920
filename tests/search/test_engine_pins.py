"""Search behaviour that mutation testing showed no other test pinned (issue 17).

Each test states what a clinician relies on; each one fails on a mutant of catalog/search.py or
catalog/swedish.py that the older tests let through (see mutation/run.py).
"""

import json
import os
import threading

import pytest

from catalog.models import Entry, Section, Synonym
from catalog.search import engine as search_engine
from catalog.search import index as search_index
from catalog.text import swedish
from tests.support.paths import DATA

pytestmark = pytest.mark.django_db


def _codes(query: str, **options) -> list[str]:
    return [hit.code for hit in search_engine.search(query, **options).hits]


# --- the list searched from ---------------------------------------------------------------------


def test_searching_from_a_list_still_shows_other_lists_codes_after_it():
    everywhere = _codes("uppföljning")
    in_skrs = _codes("uppföljning", within_list="psykologer-skrs")
    skrs = search_engine.current_index().list_codes["psykologer-skrs"]
    first = [code for code in in_skrs if code in skrs]
    # The list's own codes come first, then every other code found, in the order they have anywhere.
    assert first and in_skrs[: len(first)] == first
    assert set(in_skrs) == set(everywhere)
    assert in_skrs[len(first) :] == [code for code in everywhere if code not in skrs]


# --- which codes, and in what order -------------------------------------------------------------


def test_a_code_prefix_lists_every_code_it_starts_in_code_order_before_any_text_match():
    index = search_engine.current_index()
    named = sorted(code for code in index.codes if code.startswith("DU01"))
    assert len(named) > 3
    assert _codes("du01")[: len(named)] == named
    assert _codes("du 01")[: len(named)] == named  # typed with a space


def test_a_code_without_its_leading_zero_comes_first_then_the_codes_it_starts_in_code_order():
    assert _codes("du11") == ["DU011", "DU113", "DU114", "DU118", "DU119"]
    assert _codes("DU 11") == _codes("du11")


def test_two_letters_of_a_code_list_the_codes_they_start_in_code_order():
    index = search_engine.current_index()
    assert _codes("du") == sorted(code for code in index.codes if code.startswith("DU"))[:20]


def test_a_full_code_finds_that_code_alone():
    assert _codes("AU118") == ["AU118"]
    assert _codes("au 118") == ["AU118"]


def test_a_word_finds_only_the_codes_whose_texts_hold_it():
    # AU123 has Krisplan in its title, AU120 only in its Anvisning; no other code mentions it.
    assert _codes("krisplan") == ["AU123", "AU120"]
    assert _codes("zebrakod") == []


def test_a_code_named_by_a_section_instruction_comes_before_the_rest_of_its_section_in_code_order():
    # "patientregistret" stands only in the instruction of "Psykologisk och psykosocial behandling",
    # which names DU011: DU011 first, then every other code of that section, ties by code.
    section = Section.objects.get(code_list__slug="psykiatri", title="Psykologisk och psykosocial behandling")
    others = sorted({entry.code.code for entry in section.entries.all()} - {"DU011"})
    assert _codes("patientregistret", limit=50) == ["DU011", *others]


def test_a_section_instruction_that_names_no_code_still_finds_every_code_of_its_section():
    section = Section.objects.get(code_list__slug="psykiatri", title="Medicinteknisk behandling")
    assert "Multiplicitetskoder" in section.instructions
    in_section = sorted(entry.code.code for entry in section.entries.all())
    assert _codes("multiplicitetskoder") == in_section
    # That instruction names no code of the index: it counts for its codes only as a weak text.
    hit = search_engine.search("multiplicitetskoder").hits[0]
    assert "<mark>" not in hit.snippet


def test_a_section_title_finds_the_codes_of_that_section():
    section = Section.objects.get(code_list__slug="psykiatri", title="Förebyggande åtgärder")
    section.title = "Flamingoförebyggande åtgärder"
    section.save()
    in_section = sorted(entry.code.code for entry in section.entries.all())
    assert _codes("flamingoförebyggande") == in_section


# --- compound parts and typos -------------------------------------------------------------------


@pytest.mark.parametrize("part", ["samtal", "behandling", "bedömning"])
def test_a_word_finds_every_longer_word_that_holds_it_inside(part):
    index = search_engine.current_index()
    folded = swedish.fold(part)
    inside = {term for term in index.vocabulary if folded in term and not term.startswith(folded)}
    assert len(inside) >= 2  # hälsosamtal, stödsamtal, telefonsamtal, …
    assert inside <= set(index.matches(part))


def test_the_last_word_of_the_vocabulary_is_found_too():
    index = search_engine.current_index()
    last = index.vocabulary[-1]
    assert len(last) >= 5  # long enough to be looked for inside words
    assert last in index.matches(last)


def test_a_short_word_is_not_looked_for_inside_longer_words():
    # "ring" stands by chance in "formulering", "registrering": four letters are too few to mean a part.
    index = search_engine.current_index()
    inside = {term for term in index.vocabulary if "ring" in term and not term.startswith("ring")}
    assert inside
    assert inside.isdisjoint(index.matches("ring"))


def test_a_long_word_two_letters_off_still_finds_its_codes():
    # "hämbesak" is two letters off "hembesök" (8 letters: two typos allowed).
    assert set(_codes("hämbesak", expand=False)) == set(_codes("hembesök", expand=False))
    assert _codes("hämbesak", expand=False)


def test_a_seven_letter_word_two_letters_off_finds_nothing():
    assert _codes("alkohal", expand=False)  # one letter off "alkohol": found
    assert _codes("alkahal", expand=False) == []  # two letters off a seven-letter word: not


def test_a_four_letter_word_one_letter_off_finds_its_word_and_nothing_further():
    assert _codes("tulk", expand=False) == ["ZV020"]  # "tolk"


def _tiny_index(**texts: str) -> search_index.SearchIndex:
    """An index of hand-written titles, one per code."""
    index = search_index.SearchIndex("tiny")
    for code, text in texts.items():
        index.codes[code] = search_index.IndexedCode(code=code, title=text, lists=[], texts=[])
        index.add(code, text, search_index.WEIGHT_TITLE)
    index.finish()
    return index


@pytest.mark.parametrize("query", ["kropps kännedom", "grupp kropps kännedom"])
def test_two_words_typed_apart_count_as_the_compound_the_content_writes_as_one(query):
    # Both codes hold something of both words; only AB001 holds "kroppskännedom" itself, and typed
    # apart it must still count as that word, not as a prefix and a part of it (which would put
    # AB002's whole "kännedom" first). The real content's "kropps kännedom" finds DV086 either way.
    index = _tiny_index(AB001="kroppskännedom i grupp", AB002="kroppsvård och kännedom i grupp")

    assert [hit.code for hit in search_engine._search(index, query, "", 10, "", True).hits] == ["AB001", "AB002"]


def test_a_typo_is_matched_to_at_most_twenty_words():
    # More than twenty words one letter off "kalq": the nearest twenty are enough, and the cost stays bounded.
    words = [f"kal{letter}" for letter in "bcdfghjklmnprtvxz"] + [f"{letter}alq" for letter in "bcdfghj"]
    index = _tiny_index(**{f"AB{n:03}": word for n, word in enumerate(words)})
    assert len([term for term in index.vocabulary if "al" in term]) > 20
    assert len(index.near("kalq")) == 20


def test_a_word_sharing_three_of_five_letters_with_a_known_word_is_still_suggested():
    # fuzz.ratio("kalqq", "kalle") is exactly 60, the lowest similarity "Menade du" offers.
    index = _tiny_index(AB001="kalle")
    assert index.suggest("kalqq") == "kalle"
    assert index.suggest("kaqqq") is None


def test_a_typo_in_a_synonyms_word_or_a_concepts_everyday_word_is_corrected_to_it():
    index = search_engine.current_index()
    assert index.correct_key("cancerx") == "cancer"  # a synonym
    assert index.correct_key("berusadd") == "berusad"  # an everyday word of a concept
    assert index.correct_key("brevv") == "brev"  # four letters are enough to be corrected to


def test_a_part_inside_the_last_two_words_of_the_vocabulary_finds_both():
    index = _tiny_index(AB001="abstrumpk", AB002="bcstrumpk")
    assert index.vocabulary == ["abstrumpk", "bcstrumpk"]
    assert set(index.matches("strumpk")) == {"abstrumpk", "bcstrumpk"}


# --- "Menade du …" ---------------------------------------------------------------------------------


def test_a_three_letter_miss_suggests_the_nearest_word():
    result = search_engine.search("tlk")
    assert not result.hits
    assert result.suggestion == "tolk"
    assert [hit.code for hit in result.nearest] == ["ZV020"]


def test_a_miss_near_no_word_suggests_nothing():
    result = search_engine.search("qqqqxxxx")
    assert not result.hits
    assert result.suggestion == ""
    assert result.nearest == []


def test_a_suggestion_keeps_the_stop_words_as_typed():
    assert search_engine.search("och psykotrapeut").suggestion == "och terapeuten"
    # "det" matches no word of the content and is near "deltar"; a stop word is kept all the same.
    assert search_engine.search("det psykotrapeut").suggestion == "det terapeuten"


# --- what a hit shows -----------------------------------------------------------------------------


def test_a_code_in_several_lists_keeps_all_its_lists():
    hit = next(h for h in search_engine.search("DU011").hits if h.code == "DU011")
    assert hit.lists == ["Baslista psykiatri", "Åtgärdskoder SKRS Psykologer"]
    hit = next(h for h in search_engine.search("ZV051").hits if h.code == "ZV051")
    assert hit.lists == ["Baslista psykiatri", "Stöd och behandling (SoB) – koder"]


def _set_anvisning(code: str, text: str) -> None:
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code=code)
    entry.anvisning = text
    entry.save()


def test_a_snippet_of_a_long_text_shows_a_late_match_marked():
    filler = " ".join(f"ord{number}" for number in range(80))
    _set_anvisning("DU014", f"Början av texten. {filler} Sedan flamingoterapi i slutet av en lång mening här.")
    hit = next(h for h in search_engine.search("flamingoterapi").hits if h.code == "DU014")
    assert "<mark>flamingoterapi</mark>" in hit.snippet
    # A window around the match: the start of the text is cut, and marked as cut.
    assert hit.snippet.startswith("… ")
    assert "Början av texten" not in hit.snippet
    assert "ord79" in hit.snippet  # the words just before the match stay
    assert len(hit.snippet_text) < 300


@pytest.mark.parametrize(("length", "cut"), [(200, False), (201, True)])
def test_a_text_up_to_two_hundred_characters_is_shown_whole_and_a_longer_one_around_its_match(length, cut):
    start = " ".join(["ord"] * 25) + " flamingoterapi "  # the match stands 100 characters in
    text = start + "z" * (length - len(start))
    assert len(text) == length
    _set_anvisning("DU014", text)
    hit = next(h for h in search_engine.search("flamingoterapi").hits if h.code == "DU014")
    assert hit.snippet.startswith("… ") is cut
    assert "<mark>flamingoterapi</mark>" in hit.snippet


def test_a_snippet_of_a_long_text_with_an_early_match_starts_at_the_beginning_and_is_cut_after():
    filler = " ".join(f"ord{number}" for number in range(80))
    _set_anvisning("DU014", f"Flamingoterapi först. {filler} Slutord.")
    hit = next(h for h in search_engine.search("flamingoterapi").hits if h.code == "DU014")
    assert hit.snippet.startswith("<mark>Flamingoterapi</mark> först.")
    assert hit.snippet.endswith(" …")
    assert "Slutord" not in hit.snippet


def test_a_snippet_marks_every_match_and_escapes_the_text():
    _set_anvisning("DU014", "Flamingo <b> & flamingo.")
    hit = next(h for h in search_engine.search("flamingo").hits if h.code == "DU014")
    assert str(hit.snippet) == "<mark>Flamingo</mark> &lt;b&gt; &amp; <mark>flamingo</mark>."


def test_the_snippet_comes_from_the_text_that_holds_the_word_not_one_holding_it_inside_another():
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="DU014")
    entry.beskrivning = "Samtolkarna möts först."  # "tolk" only inside another word
    entry.anvisning = "Boka tolk i god tid."
    entry.save()
    hit = next(h for h in search_engine.search("tolk").hits if h.code == "DU014")
    assert str(hit.snippet) == "Boka <mark>tolk</mark> i god tid."


def test_a_code_found_by_a_word_no_text_holds_shows_the_start_of_its_first_text():
    long_text = "Början. " + " ".join(f"ord{number}" for number in range(80))
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="DU014")
    entry.beskrivning = long_text
    entry.anvisning = "Andra texten."
    entry.save()
    hit = search_engine.search("DU014").hits[0]
    assert hit.code == "DU014"
    assert hit.snippet.startswith("Början. ord0 ord1")
    assert hit.snippet.endswith(" …")
    assert "<mark>" not in hit.snippet and "ord79" not in hit.snippet


def test_a_code_with_no_text_has_an_empty_snippet():
    entry = Entry.objects.get(code_list__slug="psykiatri", code__code="DU014")
    entry.beskrivning = None
    entry.anvisning = None
    entry.save()
    hit = search_engine.search("DU014").hits[0]
    assert (hit.code, hit.title, str(hit.snippet)) == ("DU014", "EMDR", "")


def test_a_long_title_is_shown_whole_with_a_late_match_marked():
    from catalog.models import Code

    code = Code.objects.get(code="DU014")
    code.title = "EMDR " + " ".join(f"ord{number}" for number in range(40)) + " flamingometod"
    assert 200 < len(code.title) <= 300  # past a snippet's window, within the field's length
    code.save()
    hit = next(h for h in search_engine.search("flamingometod").hits if h.code == "DU014")
    assert hit.title_html.startswith("EMDR ord0")
    assert hit.title_html.endswith("<mark>flamingometod</mark>")


def test_a_retired_code_shows_its_last_day_and_comes_after_the_codes_in_use():
    import datetime

    from catalog.models import Code

    code = Code.objects.get(code="DU014")
    code.valid_to = datetime.date(2020, 12, 31)
    code.save()
    hits = search_engine.search("du01", limit=50).hits
    assert [hit.code for hit in hits[:5]] == ["DU010", "DU011", "DU012", "DU013", "DU015"]
    assert hits[-1].code == "DU014"  # after every code in use, text matches too
    assert hits[-1].retired_on == datetime.date(2020, 12, 31)
    assert hits[0].retired_on is None


def test_a_retired_code_found_by_a_word_comes_after_the_codes_in_use_that_hold_it():
    import datetime

    from catalog.models import Code

    before = _codes("krisplan")
    assert before[0] == "AU123" and len(before) > 1
    Code.objects.filter(code="AU123").update(valid_to=datetime.date(2020, 12, 31))
    Entry.objects.filter(code__code="AU123").first().save()  # a save makes the index see it
    after = search_engine.search("krisplan").hits
    assert [hit.code for hit in after] == [*before[1:], "AU123"]
    assert after[-1].retired_on == datetime.date(2020, 12, 31)
    assert _codes("krisplan", limit=len(before) - 1) == before[1:]  # no room left for it


def test_the_same_search_on_the_same_content_gives_the_same_result_object():
    assert search_engine.search("krisplan") is search_engine.search("krisplan")


def test_no_query_at_all_gives_the_hint():
    result = search_engine.search(None)
    assert result.hint.startswith("Skriv minst två tecken")
    assert not result.hits


def test_a_title_match_is_marked_in_the_title():
    hit = search_engine.search("krisplan").hits[0]
    assert hit.code == "AU123"
    assert "<mark>krisplan</mark>" in hit.title_html
    assert hit.url.endswith("/AU123/")


# --- Swedish analysis (catalog/swedish.py) ------------------------------------------------------


def test_folding_drops_accents_beyond_swedish_letters():
    assert swedish.fold("Crème Brûlée") == "creme brulee"
    assert swedish.fold("Ærø") == "aro"
    assert swedish.fold("ÅÄÖ") == "aao"


def test_words_split_at_hyphens_and_punctuation_and_keep_digits():
    assert swedish.words("HCR-20, UKU-SERS: ålder 18") == ["HCR", "20", "UKU", "SERS", "ålder", "18"]
    assert swedish.words(None) == []


def test_words_with_digits_are_not_stemmed():
    assert swedish.stem("1samtalen") == "1samtalen"  # the stemmer alone would give "1samtal"
    assert swedish.stem("samtalen") == "samtal"


def test_stemming_works_in_a_new_thread():
    # Each thread keeps its own stemmer (one is not thread-safe): a thread's first word creates it.
    found = []
    worker = threading.Thread(target=lambda: found.append(swedish.stem("behandlingar")))
    worker.start()
    worker.join()
    assert found == ["behandling"]


def test_terms_leave_out_stop_words_unless_asked_to_keep_them():
    assert swedish.terms("Samtal med anhöriga") == [swedish.term("Samtal"), swedish.term("anhöriga")]
    assert swedish.terms("Samtal med", keep_stopwords=True) == [swedish.term("Samtal"), "med"]


def test_a_compound_splits_into_the_fewest_known_parts():
    # "telefon" + "samtal" would need three parts here ("sam" + "tal"); "tele" + "fonsamtal" needs two.
    known = {"tele", "fonsamtal", "telefon", "sam", "tal"}
    assert swedish.split_compound("telefonsamtal", known) == ["tele", "fonsamtal"]


def test_the_fewest_parts_win_when_a_later_try_reaches_a_tail_an_earlier_try_reached_first():
    # Letters, not words: the shortest case where the best split ("aca|aabcaca|cca") goes through a
    # position ("…|cca" at 10) that a longer first try ("acaa|abc|aca|…") has already split.
    known = {"aabcaca", "abc", "abcacac", "aca", "bcac", "cca"}
    assert swedish.split_compound("acaaabcacacca", known) == ["aca", "aabcaca", "cca"]


def test_a_compound_can_split_into_three_parts_and_parts_known_by_their_stem():
    known = {"samtal", "behandling", "grupp"}
    # "samtals" and "behandlingar" are known by their stems, "samtal" and "behandling".
    assert swedish.split_compound("gruppsamtalsbehandlingar", known) == ["grupp", "samtals", "behandlingar"]


def test_a_compound_splits_only_where_every_letter_belongs_to_a_known_part():
    assert swedish.split_compound("barnebok", {"barn", "bok"}) == ["barne", "bok"]  # "barne" stems to "barn"
    assert swedish.split_compound("barnxbok", {"barn", "bok"}) is None


def test_a_linking_s_between_two_known_parts_is_dropped():
    assert swedish.split_compound("psykiatrisvård", {"psykiatri", "vard"}) == ["psykiatri", "vard"]


def test_a_six_letter_word_of_two_three_letter_parts_is_split():
    assert swedish.split_compound("ekoord", {"eko", "ord"}) == ["eko", "ord"]


def test_a_word_known_whole_still_splits_into_its_parts():
    assert swedish.split_compound("videosamtal", {"video", "samtal", "videosamtal"}) == ["video", "samtal"]


def test_a_last_part_shorter_than_three_letters_is_never_split_off():
    assert swedish.split_compound("videosek", {"video", "ek"}) is None


def test_a_compound_of_forty_letters_is_split_and_one_of_forty_one_is_not():
    known = {"rehabilitering", "samordning", "uppfoljning", "video", "samtal"}
    forty = "rehabilitering" + "samordning" + "uppfoljning" + "video"
    assert len(forty) == 40
    assert swedish.split_compound(forty, known) == ["rehabilitering", "samordning", "uppfoljning", "video"]
    forty_one = "rehabilitering" + "samordning" + "uppfoljning" + "samtal"
    assert len(forty_one) == 41
    assert swedish.split_compound(forty_one, known) is None


def test_a_compound_with_a_part_shorter_than_three_letters_is_not_split():
    assert swedish.split_compound("ekvideo", {"ek", "video"}) is None
    assert swedish.split_compound("ekovideo", {"eko", "video"}) == ["eko", "video"]
    assert swedish.split_compound("video2samtal", {"video", "samtal"}) is None


def test_a_phrase_is_looked_up_without_its_stop_words_unless_that_leaves_one_word_or_none():
    # "gav upp" is not "gav", and "var med" is not nothing: such a phrase keeps its particles.
    assert swedish.phrase_key(["ringa", "upp"]) == (swedish.term("ringa"), "upp")
    assert swedish.phrase_key(["var", "med"]) == ("var", "med")
    assert swedish.phrase_key(["barn", "som", "far", "illa"]) == tuple(swedish.term(w) for w in ("barn", "far", "illa"))
    assert swedish.phrase_key(["upp"]) == ("upp",)
    assert swedish.phrases("ringa upp, , sprit") == [["ringa", "upp"], ["sprit"]]
    assert swedish.phrases(None) == []


def test_a_concept_named_twice_keeps_each_meaning_once():
    table = swedish.concept_table([("ringde", "telefon"), ("ringde", "telefon, samtal"), ("och", "")])
    assert table == {(swedish.term("ringde"),): [["telefon"], ["samtal"]], ("och",): []}


def test_the_index_is_built_once_and_kept_while_the_content_is_unchanged():
    first = search_engine.current_index()
    search_engine.search("krisplan")
    assert search_engine.current_index() is first
    Synonym.objects.create(term="zebrakod", expansion="AU118")
    assert search_engine.current_index() is not first


def test_building_the_index_reads_the_database_in_eight_queries(django_assert_num_queries):
    # Entries with their codes, lists and sections; section instructions; the documents with their
    # parts, contact types and decision codes; synonyms; concepts.
    with django_assert_num_queries(8):
        search_index.build_index("test")


def test_a_synonym_of_two_words_is_found_when_both_are_typed():
    Synonym.objects.create(term="zebra kod", expansion="AU118")
    assert _codes("zebra kod")[0] == "AU118"


def test_a_synonym_naming_a_code_the_content_lacks_still_finds_the_rest_of_its_meaning():
    Synonym.objects.create(term="zebrakod", expansion="ZZ999 krisplan")
    assert "AU123" in _codes("zebrakod")
    assert "ZZ999" not in _codes("zebrakod")


def test_a_code_a_synonym_names_counts_as_much_as_a_title_holding_the_synonyms_word():
    # XV015 named by the synonym and AU123 titled "… krisplan" score alike; the tie goes by code.
    Synonym.objects.create(term="zebrakod", expansion="XV015 krisplan")
    assert _codes("zebrakod")[:2] == ["AU123", "XV015"]


def test_a_concept_of_several_words_is_taken_whole_before_a_shorter_concept_inside_it():
    # "misstanke barn far illa" and "barn som far illa" mean orosanmälan; "far illa" alone means more.
    assert _codes("misstanke barn far illa") == ["GD007", "GD008"]
    assert _codes("barn som far illa") == ["GD007", "GD008"]


# --- The whole answer to reference queries -------------------------------------------------------
# The tests above pin single rules on hand-picked codes. This one pins the whole answer (every hit in
# order, its lists and snippet, the suggestion, the nearest codes and the wizard links) to a set of
# reference queries of every kind, on the real content: any change to what search returns for them
# shows up here, not only a change that drops an expected code from the first three.
#
# When search is changed on purpose, write the file anew and read its diff before committing:
#   KVA_WRITE_SEARCH_REFERENCE=1 .venv/bin/python -m pytest tests/search/test_engine_pins.py -k reference

REFERENCE = DATA / "search-reference.json"


def _reference_queries() -> list[tuple[str, dict]]:
    from tests.support.queries import TOP3

    table = DATA / "search-queries.tsv"
    rows = [line.split("\t")[0] for line in table.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [query for query in rows if not query.startswith("#")]
    queries = [(query, {}) for query, _code, _kind in TOP3]
    queries += [(query, {}) for query in rows[::3]]
    queries += [(query, {"expand": False}) for query in rows[1::12]]
    queries += [(query, {"inom": inom}) for inom in search_engine.CONTEXTS for query in ("samtal", "uppföljning")]
    queries += [(query, {"within_list": "psykologer-skrs"}) for query in ("uppföljning", "samtal anhörig")]
    # Misses, with and without a suggestion ("Menade du …" and its codes); stop words only.
    misses = ("tlk", "hembsk", "qqqq tlk", "och psykotrapeut", "hemsjukvrd", "xxxx", "xqzvw", "och att")
    queries += [(query, {}) for query in misses]
    queries += [(query, {}) for query in ("krisplna hembesk", "telefn", "sjukskrivnig", "samtl", "kbt tlk")]
    # Too short or no words: the hint; control characters are spaces.
    queries += [(query, {}) for query in ("", "a", "!!", "krisplan\tvideo")]
    queries += [("a", {"inom": "psykiatri"}), ("hembsk", {"inom": "bhv"}), ("tlk", {"expand": False})]
    return list({_key(query, options): (query, options) for query, options in queries}.values())


def _answer(query: str, options: dict) -> dict:
    result = search_engine.search(query, **options)
    return {
        "query": result.query,
        "inom": result.inom,
        "hits": [
            [hit.code, hit.lists, str(hit.retired_on or "")]
            + ([str(hit.title_html), str(hit.snippet)] if number < 5 else [])
            for number, hit in enumerate(result.hits)
        ],
        "hint": result.hint,
        "suggestion": result.suggestion,
        "nearest": [[hit.code, str(hit.snippet)] for hit in result.nearest],
        "wizard": [[link.label, link.question, link.url] for link in result.wizard_links],
        "documents": [[document.title, document.url] for document in result.documents],
    }


def _key(query: str, options: dict) -> str:
    return " ".join([query, *(f"{name}={value}" for name, value in sorted(options.items()))])


def test_reference_queries_give_the_same_hits_in_the_same_order_with_the_same_snippets():
    queries = _reference_queries()
    if os.environ.get("KVA_WRITE_SEARCH_REFERENCE"):
        answers = {_key(query, options): _answer(query, options) for query, options in queries}
        REFERENCE.write_text(json.dumps(answers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        pytest.fail(f"wrote {REFERENCE}: read its diff, then run again without KVA_WRITE_SEARCH_REFERENCE")
    expected = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert [_key(query, options) for query, options in queries] == list(expected), (
        "the reference queries changed: write the file anew"
    )
    for query, options in queries:
        answer, before = _answer(query, options), expected[_key(query, options)]
        assert answer == before, f"{_key(query, options)!r} answers differently:\nnow    {answer}\nbefore {before}"


# --- a compound the content does not hold ---------------------------------------------------------


def _titles(query: str, count: int = 3) -> list[str]:
    return [hit.title.lower() for hit in search_engine.search(query).hits[:count]]


def test_a_compound_the_content_lacks_finds_what_its_parts_typed_apart_find():
    # "telefonbesök": no text holds it, so the telephone codes, not the hembesök codes that share
    # its last part, come first.
    assert _codes("telefonbesök") == _codes("telefon besök")
    assert "telefon" in _titles("telefonbesök", 1)[0]
    assert _codes("distansbesök") == _codes("distans besök")


def test_a_compound_part_known_only_as_a_synonym_or_concept_still_counts():
    # No text holds "video"; the concept does (→ telemedicin, distans), so "videobesök" is a
    # telemedicine visit, not a home visit.
    assert _codes("videobesök")[:1] == _codes("video")[:1] == ["ZV051"]
    assert search_engine.current_index().apart("videobesök") == ["video", "besok"]


def test_a_word_the_content_synonyms_or_concepts_hold_is_not_taken_apart():
    index = search_engine.current_index()
    assert index.apart("läkemedelsgenomgång") == ["läkemedelsgenomgång"]  # in the content
    assert index.apart("videosamtal") == ["videosamtal"]  # a concept's everyday word
    assert index.apart("videosamtalen") == ["videosamtalen"]  # ... inflected
    # A synonym no text holds ("medicin" + "genomgång" are both known): its entry needs it whole.
    assert index.apart("medicingenomgång") == ["medicingenomgång"]
    assert _codes("medicingenomgång")[:2] == ["XV015", "XV016"]
    assert index.apart("hundpromenad") == ["hundpromenad"]  # first part unknown: head rule in expanded()
    assert _codes("läkemedelsgenomgång")[:2] == ["XV015", "XV016"]


def test_wizard_links_follow_the_word_as_typed_even_where_no_text_holds_it():
    labels = [link.label for link in search_engine.search("video").wizard_links]
    assert labels and all("video" in label.lower() for label in labels)


def test_a_compound_links_to_the_answers_of_its_rarer_part_first():
    # Both "Video" and "Hembesök" answers match a part of "videobesök"; video says more.
    labels = [link.label.lower() for link in search_engine.search("videobesök").wizard_links]
    assert labels[0] == "video" and any("hembesök" in label for label in labels)
    assert [link.label for link in search_engine.search("telefonbesök").wizard_links][0] == "Telefon"


def test_a_compound_links_first_to_answers_that_match_all_its_parts():
    # "Bedömning eller behandling per telefon" holds both parts of "telefonbedömning"; "Telefon"
    # comes before it in the wizard but holds one.
    labels = [link.label for link in search_engine.search("telefonbedömning").wizard_links]
    assert labels[0] == "Bedömning eller behandling per telefon" and "Telefon" in labels[1:]


def test_a_six_letter_compound_of_two_known_three_letter_parts_is_taken_apart():
    index = search_engine.current_index()
    parts = [part for part in sorted(index.known) if len(part) == 3 and not index.matches(part + part)][:1]
    assert parts, "the content holds three-letter words"
    assert index.apart(parts[0] * 2) == parts * 2


def test_two_typed_words_each_must_match_an_answers_label():
    assert search_engine.search("video besök").wizard_links == []


def test_a_three_letter_stem_does_not_begin_other_words_but_three_typed_letters_do():
    index = search_engine.current_index()
    # "läkare" stems to "läk", "möte" to "möt": neither is the start of läkemedel or motiverande.
    assert "lakemedel" not in index.matches("läkare")
    assert not any(term.startswith("motiver") for term in index.matches("möte"))
    # Typed half-way, three letters still begin words.
    assert "lakemedel" in index.matches("läk")
    # A longer stem still does: "behandlingar" → "behandling" begins "behandlingsplan".
    assert "behandlingsplan" in index.matches("behandlingar")


def test_a_compound_whose_last_part_no_text_holds_is_found_by_its_first_part():
    # No text holds "avvänjning"; DV030 Hälsosamtal is the code whose text names tobak.
    assert "avvanjning" not in search_engine.current_index().known
    assert _codes("tobaksavvänjning") == ["DV030"]
    # A typo in the last part: "sömn" still says what it is about.
    assert _codes("sömnprblem")[:1] == _codes("sömn")[:1]


def test_a_first_part_counts_only_when_three_letters_or_more_follow_it():
    # Without typo correction to a synonym or concept: what follows "tolk" must be a possible word.
    assert _codes("tolkabc", expand=False) == ["ZV020"]
    assert _codes("tolkab", expand=False) == []


def test_a_first_or_last_part_found_alone_weighs_less_than_the_word_typed_alone():
    index = search_engine.current_index()
    for compound, part in (("tobaksavvänjning", "tobak"), ("hundpromenad", "promenad")):
        found, alone = index.expanded(compound, True)[0], index.expanded(part, True)[0]
        assert found and all(found[term] < alone[term] for term in found), compound


def test_without_synonyms_and_concepts_a_first_part_is_read_as_written():
    # "sprit" is a concept (→ alkohol) that no text holds: only search with concepts finds it.
    assert _codes("spritavvänjning") == _codes("alkoholavvänjning")
    assert _codes("spritavvänjning", expand=False) == []
