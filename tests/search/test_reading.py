"""Search reads the query (issue 26): the words that decide a code weigh more than setting and filler
words, a fragment inside a longer word does not outweigh a whole word, who was or was not there is read
where the sources draw that line, and no search of a decision, a rule or an abbreviation ends empty.

Each test names what it relies on; the queries here are the tests' own, not rows of the held-out table."""

import pytest

from catalog.search import engine as search_engine
from catalog.search import reading
from catalog.text import swedish

pytestmark = pytest.mark.django_db


def _codes(query: str, **options) -> list[str]:
    return [hit.code for hit in search_engine.search(query, **options).hits]


def _first(query: str) -> str:
    codes = _codes(query)
    return codes[0] if codes else ""


# --- who was there, and who was not --------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["teammöte, patienten var inte där", "behandlingskonferens utan patienten", "möte i patientens frånvaro"],
)
def test_a_meeting_without_the_patient_is_the_conference_about_the_patient(query):
    # XS008: "Konferens utan att patienten … är närvarande"; XS007 is the one with the patient.
    assert _first(query) == "XS008"


@pytest.mark.parametrize("query", ["behandlingskonferens med patienten", "teammöte där patienten deltog"])
def test_a_meeting_the_patient_took_part_in_is_the_conference_with_the_patient(query):
    assert _first(query) == "XS007"


def test_a_word_that_says_who_was_there_is_used_up_by_the_reading():
    # "närvarade" must not find "är närvarande" in XS008, the text that says the patient was not there.
    said = reading.read(swedish.words("patienten närvarade vid mötet"), lambda word: "patient" in word)
    assert said.present and not said.absent and said.used == {1}
    said = reading.read(swedish.words("nätverksmöte, pappan var inte med"), lambda word: word == "pappan")
    assert said.absent and said.used == {2, 3, 4}


def test_a_relative_on_the_phone_without_the_patient_is_the_call_with_the_patients_representative():
    assert _first("mamman ringde, patienten var inte med") == "XS011"
    assert _first("ringde patienten") == "XS012"


def test_someone_else_taking_part_is_their_medverkan_code():
    assert _first("pappan var med på besöket") == "ZV504"
    assert _first("föräldrarna med på mötet") == "ZV504"


def test_texts_are_marked_where_they_say_someone_is_not_there():
    assert reading.says_absent("Konferens utan att patienten är närvarande.")
    assert reading.says_absent("genom samtal med barn (utan närvaro av förälder)")
    assert not reading.says_absent("Åtgärden kan utföras med eller utan patientens närvaro")
    assert not reading.says_absent("utan att patienten sedan blir inlagd")
    index = search_engine.current_index()
    marked = {code for _weight, codes in index.buckets[reading.ABSENT] for code in codes}
    assert marked == {"XS008", "XS011", "DU057"}


# --- what decides, and what does not -------------------------------------------------------------


def test_a_whole_word_outweighs_the_same_letters_inside_a_longer_word():
    # "besök" stands whole in many texts; inside "hembesök" it is another visit.
    assert _first("tolk vid besöket") == "ZV020"
    assert not set(_codes("tolk vid besöket")[:3]) & {"UX273", "UX274", "UX275"}


def test_filler_and_profession_words_do_not_outweigh_the_word_that_decides():
    # "via" stands in ZV044's title and DV063's text; "psykolog" begins "psykologisk".
    assert _first("psykolog samtal via video") == "ZV051"
    assert _first("arbetsterapeut bedömer aktivitetsförmåga") == "AV133"


def test_a_compound_counts_once_with_its_rarer_part_leading():
    # "telefonkontakt": telefon decides; "kontakt" stands in many texts.
    assert _first("telefonkontakt med anhörig") == "XS011"


def test_a_number_written_as_a_word_finds_the_numbered_title():
    assert _first("fjärde hembesöket") == "UX276"
    assert _first("hembesök nummer sex") == "UX278"


def test_an_inflected_form_and_a_verb_find_the_contents_own_word():
    assert set(_codes("konferensen")[:2]) == {"XS007", "XS008"}  # the stemmer cuts "konferens" to "konfer"
    assert _first("träna socialt samspel") == "DV087"  # "träna" is "träning"


def test_a_sentence_that_points_to_another_code_speaks_for_that_code():
    # AW024: "Vid uppföljning av åtgärder/delmål under själva rehabiliteringsperioden används XV007."
    assert _first("uppföljning av ett delmål") == "XV007"
    # AU125: "För uppföljning, se AW010."
    assert _codes("uppföljning samordnad plan")[0] == "AW010"


def test_a_synonym_is_found_by_its_stem():
    assert {"ZV504", "GB010"} & set(_codes("anhörigas")[:2])


# --- no dead end ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["RS 2024-00668", "rs 2024 00668", "2024-00668", "RS-2024-00668"])
def test_a_decisions_number_finds_the_decision_and_the_codes_it_created(query):
    result = search_engine.search(query)
    assert [hit.code for hit in result.hits[:2]] == ["UX293", "UX294"]
    assert [(d.identifier, d.url) for d in result.documents] == [("RS 2024-00668", "/beslut/RS-2024-00668/")]


def test_words_only_a_document_holds_point_to_it():
    assert [d.url for d in search_engine.search("rinkebymodellen").documents] == ["/beslut/RS-2024-00668/"]
    rules = search_engine.search("fysioterapeut skriftlig distanskontakt BR")
    assert [d.url for d in rules.documents] == ["/regler/vardval-rehab-distans/"]
    assert rules.hits[0].code == "ZV051"  # "Skriftlig distanskontakt som ersätter besök (BR) +ZV051"
    assert search_engine.search("samtal").documents == []


def test_an_unknown_abbreviation_is_spelled_out_from_a_title_with_its_codes():
    result = search_engine.search("vop")
    assert not result.hits
    assert result.suggestion == "vård och omsorgsplan"
    assert result.nearest[0].code == "AU120"


def test_the_search_page_and_the_api_link_the_decision(client):
    html = client.get("/sok/", {"q": "2024-00668"}).content.decode()
    assert 'href="/beslut/RS-2024-00668/"' in html and "I regler och beslut" in html
    data = client.get("/api/codes/", {"q": "2024-00668"}).json()
    assert data["documents"][0]["identifier"] == "RS 2024-00668"
    assert data["documents"][0]["url"].endswith("/beslut/RS-2024-00668/")
