"""The practice-case engine (catalog.feedback), without a request or a database."""

from catalog.training import feedback
from catalog.training.feedback import Key, Quote

KEY = Key(
    slug="exempel",
    title="Exempel",
    context="psykiatri",
    required=["AU006", "ZV020"],
    forbidden=["XS008"],
    allowed=["AU118"],
    quotes=[
        Quote("kravs", "AU006", "Avser fullständigt genomförd intervju", "entry:psykiatri/AU006/anvisning"),
        Quote("kravs", "ZV020", "Användande av tolk", "entry:psykiatri/ZV020/title"),
        Quote("fel", "XS008", "Konferens utan att patienten", "entry:psykiatri/XS008/beskrivning"),
    ],
)


def verdicts(result):
    return {v.code: v.verdict for v in result.codes}


def test_every_required_code_given_and_nothing_else_is_solved_with_full_score():
    result = feedback.grade(KEY, ["ZV020", "AU006"])
    assert verdicts(result) == {"AU006": "ratt", "ZV020": "ratt"}
    assert (result.score, result.max_score, result.solved) == (2, 2, True)


def test_a_missing_code_comes_with_the_rule_that_requires_it():
    result = feedback.grade(KEY, ["AU006"])
    missing = next(v for v in result.codes if v.code == "ZV020")
    assert missing.verdict == "saknas"
    assert [q.text for q in missing.quotes] == ["Användande av tolk"]
    assert not result.solved and result.score == 1


def test_a_forbidden_code_is_wrong_with_the_quote_saying_why_and_costs_a_point():
    result = feedback.grade(KEY, ["AU006", "ZV020", "XS008"])
    wrong = next(v for v in result.codes if v.code == "XS008")
    assert wrong.verdict == "fel" and wrong.quotes[0].ref == "entry:psykiatri/XS008/beskrivning"
    assert (result.score, result.solved) == (1, False)


def test_an_allowed_code_neither_helps_nor_hurts():
    result = feedback.grade(KEY, ["AU006", "ZV020", "AU118"])
    assert verdicts(result)["AU118"] == "tillats"
    assert (result.score, result.solved) == (2, True)


def test_a_code_the_key_says_nothing_about_is_outside_the_key_and_not_solved():
    result = feedback.grade(KEY, ["AU006", "ZV020", "DU011"])
    assert verdicts(result)["DU011"] == "utanfor"
    assert result.score == 2 and not result.solved


def test_the_contact_type_is_graded_when_the_key_has_one():
    key = Key(
        slug="k", title="K", context="rehab", required=[], contact="doc/t", quotes=[Quote("kontakt", "", "x", "r")]
    )
    assert feedback.grade(key, [], "doc/t").solved
    wrong = feedback.grade(key, [], "doc/tb")
    assert (wrong.contact_right, wrong.solved, wrong.score, wrong.max_score) == (False, False, 0, 1)


def test_typed_codes_are_normalised_and_what_is_not_a_code_is_reported():
    assert feedback.parse_codes("au006, ZV020;au006  hej") == (["AU006", "ZV020"], ["hej"])


def test_validation_names_a_required_code_without_a_quote_an_unknown_code_and_a_misquote():
    key = Key(
        slug="fel-nyckel",
        title="x",
        context="psykiatri",
        required=["AU006", "XX999"],
        forbidden=["ZV020"],
        quotes=[Quote("kravs", "XX999", "inte ordagrant", "entry:psykiatri/AU006/anvisning")],
    )
    errors = feedback.validate(key, known_codes={"AU006", "ZV020"}, quote_ok=lambda text, ref: text == "ordagrant")
    joined = "\n".join(errors)
    assert "AU006 ska användas men inget citat" in joined
    assert "XX999 (ska användas) finns inte" in joined
    assert "ZV020 är fel men inget citat" in joined
    assert "står inte ordagrant i entry:psykiatri/AU006/anvisning" in joined


def test_validation_refuses_a_code_both_required_and_forbidden_and_a_key_with_nothing_to_find():
    both = Key(slug="a", title="a", context="bhv", required=["UX275"], forbidden=["UX275"], quotes=[])
    assert any("både" in e for e in feedback.validate(both, known_codes={"UX275"}))
    empty = Key(slug="b", title="b", context="bhv", required=[], quotes=[])
    assert any("minst en kod" in e for e in feedback.validate(empty, known_codes=set()))


def test_the_hint_is_the_quote_on_the_trap_before_the_quotes_on_needed_codes():
    assert feedback.hint(KEY) == KEY.quotes[2]  # why XS008 is wrong
    without_trap = Key(slug="b", title="b", context="psykiatri", required=KEY.required, quotes=KEY.quotes[:2])
    assert feedback.hint(without_trap) == KEY.quotes[0]


def test_the_hint_passes_over_a_quote_that_names_a_code_of_the_key():
    naming = Quote("fel", "XS008", "Använd ZV020 i stället", "entry:psykiatri/XS008/anvisning")
    key = Key(
        slug="c",
        title="c",
        context="psykiatri",
        required=["ZV020"],
        forbidden=["XS008"],
        quotes=[naming, *KEY.quotes[1:2]],
    )
    assert feedback.hint(key) == KEY.quotes[1]
    only_naming = Key(
        slug="d", title="d", context="psykiatri", required=["ZV020"], forbidden=["XS008"], quotes=[naming]
    )
    assert feedback.hint(only_naming) == naming  # better a hint naming a code than none
    assert feedback.hint(Key(slug="e", title="e", context="psykiatri", required=[], quotes=[])) is None
