"""The described visit uses the search's Swedish analysis (catalog/describe.py's Lexicon):
compound parts, long-word typos and the concept layer — and the traps still hold.

Each engine test runs the same text twice: with the analysis, and with an empty lexicon (the
engine as it was: stems and folding only), to show the analysis is what settles the answer."""

import random

import pytest

from catalog.loading.read import read_content
from catalog.text import swedish
from catalog.visits import store as wizard_store
from catalog.visits.describe import engine as describe

NO_ANALYSIS = describe.Lexicon(known=frozenset(), targets=[], concepts={})


def content_tree():
    """The wizard as its content file has it (no database: these are engine tests)."""
    content = read_content()
    return wizard_store.tree_from_content(content.wizard, wizard_store.contacts_from_content(content.documents))


@pytest.fixture(scope="module")
def tree():
    return content_tree()


def run(tree, text, inom="psykiatri", lexicon=None):
    return describe.describe(tree, text, inom, lexicon=lexicon)


def answer(result, step_slug):
    return next((item.chosen for item in result.inferred if item.step.slug == step_slug), None)


def codes_of(result):
    return {c.code for c in result.walk.suggestion.codes} if result.finished else set()


# --- the word analysis ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word, parts",
    [
        ("videobesök", {"video", "besok"}),
        ("anhörigsamtal", {"anhorig", "samtal"}),
        ("telefonsamtal", {"telefon", "samtal"}),
        ("psykiatrimottagningen", {"psykiatri", "mottagningen"}),
        ("suicidtankar", {"suicid", "tankar"}),
    ],
)
def test_a_compound_stands_also_for_its_parts(word, parts):
    assert parts <= set(describe.load_lexicon().alternatives(word)[1])


def test_a_long_word_with_a_letter_missing_is_read_as_the_cue_word_even_inside_a_compound():
    lexicon = describe.load_lexicon()
    assert set(lexicon.alternatives("suicidriskbedömnig")[1]) >= {"suicid", "riskbedomning"}
    assert "psykoedukation" in lexicon.alternatives("psykoedukaton")[1]


@pytest.mark.parametrize("word", ["inloggning", "ofullständig", "okvalificerad"])
def test_another_real_word_one_letter_away_is_no_typo(word):
    # "inloggning" ≠ "inläggning" (one letter for another), "ofullständig" ≠ "fullständig*" (its start).
    lexicon = describe.load_lexicon()
    assert not {"inlaggning", "fullstandig", "kvalificerad"} & set(lexicon.alternatives(word)[1])


def test_a_concept_stands_for_the_whole_word_never_for_a_part_found_by_splitting():
    lexicon = describe.load_lexicon()
    assert "telefon" in lexicon.alternatives("ringde")[1]
    # "vårdplane|ring", "revide|ring": no part of these rings anyone.
    for word in ("vårdplanering", "revidering"):
        assert "telefon" not in lexicon.alternatives(word)[1]


def test_only_the_concepts_the_cue_file_names_are_used():
    # Search's "återbesök" → "uppföljning" is for finding; as an answer it would say what the text does not.
    lexicon = describe.load_lexicon()
    assert "uppfoljning" not in lexicon.alternatives("återbesök")[1]
    assert lexicon.concepts[(swedish.term("ringde"),)] == [["telefon"]]
    assert (swedish.term("återbesök"),) not in lexicon.concepts


# --- the engine, with and without the analysis ------------------------------------------------


def test_a_video_visit_written_as_one_compound_word_is_video(tree):
    text = "Videobesök. KBT-session 6. Bedömning: fortsatt behandling."
    assert answer(run(tree, text), "psy-kontakt") == ["video"]
    # Without the analysis only "session" is left: a weak hint of a clinic visit, a wrong answer.
    assert answer(run(tree, text, lexicon=NO_ANALYSIS), "psy-kontakt") != ["video"]


def test_a_telephone_call_written_as_a_compound_is_telephone(tree):
    text = "Telefonsamtal med pat. KBT-session 3, bedömning: fortsatt behandling."
    assert answer(run(tree, text), "psy-kontakt") == ["telefon"]
    assert answer(run(tree, text, lexicon=NO_ANALYSIS), "psy-kontakt") != ["telefon"]


def test_a_visit_at_a_named_clinic_is_a_clinic_visit(tree):
    text = "Pat kom till beroendemottagningen. Motiverande samtal enligt MI."
    assert answer(run(tree, text), "psy-kontakt") == ["mottagningsbesok"]
    assert answer(run(tree, text, lexicon=NO_ANALYSIS), "psy-kontakt") is None


def test_a_conference_written_as_a_compound_is_a_conference(tree):
    text = "Mottagningsbesök. Behandlingskonferens med patienten och socialsekreterare. Ingen plan."
    result = run(tree, text)
    assert answer(result, "psy-syfte") == ["samordning"] and "XS007" in codes_of(result)
    assert answer(run(tree, text, lexicon=NO_ANALYSIS), "psy-syfte") is None


def test_an_everyday_word_mapped_by_the_concept_layer_settles_the_contact(tree):
    text = "Ringde pat. KBT-session 3, bedömning: fortsatt behandling."
    result = run(tree, text)
    contact = next(item for item in result.inferred if item.step.slug == "psy-kontakt")
    assert contact.chosen == ["telefon"] and contact.because == ["Ringde"]
    assert answer(run(tree, text, lexicon=NO_ANALYSIS), "psy-kontakt") != ["telefon"]


def test_a_typo_in_a_structured_suicide_risk_assessment_is_read_as_the_assessment(tree):
    text = "Nybesök på mottagningen. Suicidriskbedömnig: medelhög risk. SCID fullständig."
    assert {"AU118", "AU006"} <= codes_of(run(tree, text))


def test_a_typo_alone_is_an_assessment_but_without_a_risk_level_it_asks_about_au118(tree):
    text = "Nybesök på mottagningen. Suicidriskbedömnig gjord."
    result = run(tree, text)
    assert answer(result, "psy-syfte") == ["bedomning"]
    assert not result.finished and result.stopped_at.slug == "psy-bedomning" and "au118" in result.likely
    assert answer(run(tree, text, lexicon=NO_ANALYSIS), "psy-syfte") is None


def test_a_compound_whose_first_part_is_a_label_does_not_answer_by_the_label(tree):
    # "Tolk" (the label) and "*tolk" (the cue) are about a word ending in "tolk": a "tolkbehov" is no interpreter.
    result = run(tree, "Mottagningsbesök, KBT-session 5 enskilt. Tolkbehov utreds.")
    assert "tolk" in describe.load_lexicon().alternatives("tolkbehov")[1]
    assert result.finished and "ZV020" not in codes_of(result)
    assert "ZV020" in codes_of(run(tree, "Mottagningsbesök, KBT-session 5 enskilt. Med språktolk."))


@pytest.mark.parametrize(
    "text",
    [
        # The compound "suicidtankar" and the typo "suicidriskbedömnig" both match; the denial holds.
        "Återbesök. Frågade kort om suicidtankar, förnekar. Ingen strukturerad suicidriskbedömnig.",
        "Mottagningsbesök. Kort fråga om suicidtankar. Suicidriskbedömnig ej gjord. MINI fullständigt genomförd.",
    ],
)
def test_a_brief_question_about_suicidal_thoughts_never_gives_au118_when_compound_or_typo_match(tree, text):
    assert "AU118" not in codes_of(run(tree, text))


def test_a_concept_video_that_is_not_qualified_care_gives_no_distance_code(tree):
    # "Videosamtal" is video by the concept layer; the limits still hold: not qualified, only booking.
    result = run(tree, "Videosamtal, inte kvalificerad vård, endast bokning av ny tid.")
    assert answer(result, "psy-kontakt") == ["video"]
    assert result.finished and "ZV051" not in codes_of(result)


def test_a_denied_call_found_by_the_concept_layer_is_denied(tree):
    # The concept's word stands where "ringde" stands, so the negation reaches it.
    result = run(tree, "Pat har inte ringt. Mottagningsbesök, KBT-session 4.")
    assert answer(result, "psy-kontakt") == ["mottagningsbesok"]


@pytest.mark.parametrize("word, meaning", [("digitalt", "video"), ("hemma", "hembesok"), ("tolkning", "tolk")])
def test_a_vague_word_of_a_used_concept_stands_for_nothing(word, meaning):
    # A "digitalt" contact may be a chat, "hemma" where the patient is, "tolkning" of a test result.
    assert meaning not in describe.load_lexicon().alternatives(word)[1]


def test_the_words_of_a_described_visit_are_not_kept_by_the_swedish_analysis():
    from catalog.visits.describe.engine import describe

    tree = content_tree()
    # The cues and the lexicon (content, not patient text) are loaded, and the content words the
    # text below shares with them analysed, whatever ran before (a mutation run starts with empty caches).
    describe(tree, "Telefonsamtal med patient, ringde om recept.", "psykiatri")
    sizes = (swedish._fold_cached.cache_info().currsize, swedish._term_cached.cache_info().currsize)
    # Words no earlier test (or earlier run in this process) has seen.
    unseen = ["".join(random.choice("bcdfghjklmnprstv") for _ in range(14)) + "mottagning" for _ in range(2)]
    describe(tree, f"Telefonsamtal med {unseen[0]} patient, ringde om recept. {unseen[1]}.", "psykiatri")
    assert (swedish._fold_cached.cache_info().currsize, swedish._term_cached.cache_info().currsize) == sizes
    # The same words analysed outside a described visit are kept: so the check above can fail.
    swedish.terms(" ".join(unseen))
    assert swedish._term_cached.cache_info().currsize > sizes[1]


def test_the_lexicon_with_the_databases_concepts_is_the_files_when_they_agree_and_follows_an_edit():
    import tomllib

    with describe.CONCEPTS_FILE.open("rb") as handle:
        concepts = [(c["name"], c.get("words", ""), c.get("means", "")) for c in tomllib.load(handle)["concepts"]]
    from_file = describe.load_lexicon()
    same = describe.lexicon_with(concepts)
    assert (same.known, same.targets, same.concepts) == (from_file.known, from_file.targets, from_file.concepts)
    edited = [(n, w + ", pinglade" if n == "telefon" else w, m) for n, w, m in concepts]
    assert describe.lexicon_with(edited).concepts[(swedish.term("pinglade"),)] == [["telefon"]]
    assert (swedish.term("pinglade"),) not in from_file.concepts
