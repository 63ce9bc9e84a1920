"""The concept layer: everyday words and jargon → the content's own words (catalog/content/begrepp.toml)."""

import shutil

import pytest

from catalog.content import CONTENT_DIR
from catalog.loading.read import ContentError, read_content
from catalog.models import Concept
from catalog.search import engine as search_engine
from catalog.search import index as search_index
from catalog.text import swedish, textlinks
from tests.support.admin_forms import change_form_data

pytestmark = pytest.mark.django_db


def test_every_word_a_concept_means_stands_in_the_content():
    """The list is built from the sources: each word of a concept's meaning finds something in the
    codes' texts, or is itself a synonym (which names the codes)."""
    index = search_engine.current_index()
    missing = []
    for concept in Concept.objects.all():
        for phrase in swedish.phrases(concept.means):
            for word in phrase:
                if word.lower() in swedish.STOPWORDS or textlinks.normalize_code(word):
                    continue
                if swedish.fold(word) in index.synonyms:
                    continue
                if not any(quality >= search_index.QUALITY_PART for quality in index.matches(word).values()):
                    missing.append((concept.name, word))
    assert not missing


def test_the_shipped_list_is_broad():
    assert Concept.objects.count() >= 80
    assert sum(len(swedish.phrases(c.words)) for c in Concept.objects.all()) >= 700


@pytest.mark.parametrize(
    ("everyday", "code"),
    [
        ("ringde", "XS012"),
        ("sprit", "UX502"),
        ("jobba", "PR002"),
        ("mediciner", "XV015"),
        ("elchock", "DA024"),
    ],
)
def test_everyday_word_finds_the_code_only_through_its_concept(everyday, code):
    assert code in [hit.code for hit in search_engine.search(everyday).hits[:5]]
    assert code not in [hit.code for hit in search_engine.search(everyday, expand=False).hits[:5]]


def test_a_typo_in_an_everyday_word_still_finds_its_concept():
    assert "DA024" in [hit.code for hit in search_engine.search("elchok").hits[:3]]


def test_concept_added_by_a_coordinator_in_the_admin_is_used_at_once(client, logged_in_coordinator):
    assert "ZV020" not in [hit.code for hit in search_engine.search("dragoman").hits[:3]]
    page = client.get("/admin/catalog/concept/add/")
    assert page.status_code == 200
    data = change_form_data(page)
    data.update({"name": "tolk (äldre ord)", "words": "dragoman, dragomanen", "means": "tolk"})
    response = client.post("/admin/catalog/concept/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "ZV020" in [hit.code for hit in search_engine.search("dragomanen").hits[:3]]


def test_concept_file_naming_an_unknown_code_is_refused(tmp_path):
    for path in CONTENT_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    with (tmp_path / "begrepp.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[concepts]]\nname = "okänd"\nwords = "zzz"\nmeans = "ZZ999"\n')
    with pytest.raises(ContentError) as error:
        read_content(tmp_path)
    assert "begrepp.toml: concepts[" in str(error.value) and "ZZ999" in str(error.value)
