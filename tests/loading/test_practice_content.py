"""ovningar.toml: enough cases, every source covered, traps, keys that agree with the public
scenarios, and load_content refusing a misquote."""

import json
import shutil
import tomllib

import pytest

from catalog.content import CONTENT_DIR, PRACTICE_FILE
from catalog.loading.read import ContentError, read_content
from catalog.models import PracticeCase, PracticeSet
from tests.support.paths import DATA

SCENARIOS = DATA / "wizard-scenarios.json"


def practice_file() -> dict:
    with (CONTENT_DIR / PRACTICE_FILE).open("rb") as handle:
        return tomllib.load(handle)


def test_there_are_at_least_24_cases_covering_all_five_sources_and_a_third_carry_a_trap():
    cases = practice_file()["cases"]
    assert len(cases) >= 24
    assert {case["context"] for case in cases} == {"psykiatri", "psykolog", "rehab", "sob", "bhv"}
    assert sum(1 for case in cases if case.get("trap")) * 3 >= len(cases)


def test_cases_seeded_from_the_public_scenarios_keep_their_required_and_forbidden_codes():
    scenarios = {s["description"]: s for s in json.loads(SCENARIOS.read_text())["scenarios"]}
    seeded = [case for case in practice_file()["cases"] if case["text"] in scenarios]
    assert len(seeded) == len(scenarios)
    for case in seeded:
        expected = scenarios[case["text"]]["expected"]
        assert set(case.get("required", [])) == set(expected["required"]), case["slug"]
        assert set(expected["forbidden"]) <= set(case.get("forbidden", [])), case["slug"]


def test_load_content_refuses_a_case_whose_quote_is_not_word_for_word(tmp_path):
    for path in CONTENT_DIR.glob("*.toml"):
        shutil.copy(path, tmp_path / path.name)
    text = (tmp_path / PRACTICE_FILE).read_text()
    (tmp_path / PRACTICE_FILE).write_text(text.replace("Användande av tolk", "Användning av tolk", 1))
    with pytest.raises(ContentError) as error:
        read_content(tmp_path)
    assert "står inte ordagrant i entry:psykiatri/ZV020/title" in str(error.value)


@pytest.mark.django_db
def test_the_database_holds_every_case_its_quotes_and_the_sets():
    data = practice_file()
    assert PracticeCase.objects.count() == len(data["cases"])
    for case in data["cases"]:
        stored = PracticeCase.objects.get(slug=case["slug"])
        assert stored.required == case.get("required", [])
        assert stored.forbidden == case.get("forbidden", [])
        assert [q.quote for q in stored.quotes.order_by("order")] == [q["text"] for q in case["quotes"]]
    for practice_set in data["sets"]:
        stored = PracticeSet.objects.get(slug=practice_set["slug"])
        assert set(stored.cases.values_list("slug", flat=True)) == set(practice_set["cases"])
