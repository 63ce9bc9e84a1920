"""The described visit's engine on a tiny hand-built tree and hand-written cues: how the text's
words become answers, where the walk stops, and why. No database, no cue file."""

from catalog.visits.describe import engine as describe
from catalog.visits.wizard import Option, Step, SuggestedCode, Tree


def code(c: str, role: str = "huvudåtgärd") -> SuggestedCode:
    return SuggestedCode(code=c, role=role, reason="Enligt regeln.", quote_from="")


def tiny_tree() -> Tree:
    return Tree(
        start="inom",
        steps={
            "inom": Step(
                slug="inom",
                question="Inom?",
                options=[
                    Option(slug="psykiatri", label="Psykiatri", next="kontakt"),
                    Option(slug="rehab", label="Rehabilitering", next="kontakt"),
                ],
            ),
            "kontakt": Step(
                slug="kontakt",
                question="Hur?",
                options=[
                    Option(slug="mottagning", label="Mottagningsbesök", next="metod"),
                    Option(slug="telefon", label="Telefon", next="metod", codes=[code("XT001", "tilläggskod")]),
                    Option(slug="hembesok", label="Hembesök", next="metod"),
                ],
            ),
            "metod": Step(
                slug="metod",
                question="Metod?",
                options=[
                    Option(slug="kbt", label="Kognitiv beteendeterapi (KBT)", next="vilka", codes=[code("DU011")]),
                    Option(slug="samtal", label="Stödsamtal", next="vilka", codes=[code("DU009")]),
                    Option(slug="ingen", label="Ingen behandling", next="vilka", no_code=True),
                ],
            ),
            "vilka": Step(
                slug="vilka",
                question="Vilka medverkade?",
                kind="multiple",
                optional=True,
                options=[
                    Option(slug="tolk", label="Tolk", codes=[code("ZV001", "tilläggskod")]),
                    Option(slug="narstaende", label="Närstående", codes=[code("ZV002", "tilläggskod")]),
                ],
            ),
        },
    )


LANGUAGE = {
    "negations": ["inte", "ingen", "inget", "utan", "förnekar"],
    "after_negations": ["uteblev"],
    "hedges": ["planeras", "remiss*"],
    "limiters": ["endast"],
    "not_negations": ["ingen risk"],
}


def cues(**steps) -> describe.Cues:
    return describe.parse_cues({"context": {"psy": "psykiatri"}, "language": LANGUAGE, "steps": steps})


def run(text: str, step_cues: dict | None = None, inom: str | None = "psy", tree: Tree | None = None):
    return describe.describe(tree or tiny_tree(), text, inom, cues=cues(**(step_cues or {})))


def step_of(result: describe.Description, slug: str) -> describe.Inferred:
    return next(i for i in result.inferred if i.step.slug == slug)


# --- the context and the walk -------------------------------------------------------------------


def test_the_chosen_context_answers_the_start_question_and_is_marked_as_given():
    result = run("")
    first = result.inferred[0]
    assert (first.step.slug, first.chosen, first.given, first.because) == ("inom", ["psykiatri"], True, [])
    assert first.reason == "Du valde verksamheten."
    assert result.reasons[0] == "Inom? Du valde verksamheten."


def test_an_unknown_context_leaves_the_start_question_to_the_text():
    result = run("Rehabilitering i dag.", inom="okänd")
    assert result.inferred[0].chosen == ["rehab"] and result.inferred[0].given is False
    assert result.stopped_at is None or result.inferred[0].step.slug == "inom"


def test_a_context_naming_an_answer_the_start_step_lacks_is_not_given():
    tree = tiny_tree()
    tree.steps["inom"].options = tree.steps["inom"].options[1:]
    result = describe.describe(tree, "", "psy", cues=cues())
    assert result.inferred == [] and result.stopped_at.slug == "inom"


def test_a_text_that_answers_every_step_finishes_with_its_codes_and_path():
    result = run("Mottagningsbesök. Stödsamtal. Tolk deltog.")
    assert result.finished
    assert result.path == ["psykiatri", "mottagning", "samtal", "tolk"]
    assert {c.code for c in result.walk.suggestion.codes} == {"DU009", "ZV001"}
    assert [i.segment for i in result.inferred] == result.path
    assert result.reasons == [
        "Inom? Du valde verksamheten.",
        "Hur? Texten nämner ”Mottagningsbesök”.",
        "Metod? Texten nämner ”Stödsamtal”.",
        "Vilka medverkade? Texten nämner ”Tolk”.",
    ]


def test_every_answer_quotes_the_texts_own_words_as_written():
    result = run("Besöket var ett MOTTAGNINGSBESÖK med KBT.")
    assert step_of(result, "kontakt").because == ["MOTTAGNINGSBESÖK"]
    assert step_of(result, "metod").because == ["KBT"]


def test_stopping_names_the_step_the_reason_and_the_likely_answers():
    result = run("Telefon och hembesök samma dag.")
    assert not result.finished
    assert result.stopped_at.slug == "kontakt"
    assert result.likely == ["telefon", "hembesok"] and result.path == ["psykiatri"]
    assert result.reasons[-1] == "Hur? Texten passar flera svar: ”Telefon”, ”Hembesök”."
    assert result.walk.current.slug == "kontakt"


def test_a_text_that_says_nothing_stops_at_the_first_open_question():
    result = run("Hej.")
    assert result.stopped_at.slug == "kontakt" and result.likely == []
    assert result.reasons[-1] == "Hur? Texten säger inget som avgör frågan."
    assert run(None).stopped_at.slug == "kontakt"


def test_an_answer_the_path_rules_out_is_not_taken_from_the_text():
    tree = tiny_tree()
    tree.steps["metod"].options[0].unless = ["kontakt/telefon"]
    result = run("Endast telefon. KBT.", tree=tree)
    assert result.stopped_at.slug == "metod"
    assert "kbt" not in result.likely


def test_an_implied_answer_is_taken_from_the_wizard_not_the_text():
    tree = tiny_tree()
    tree.steps["metod"].options[2].when = ["kontakt/hembesok"]
    tree.steps["metod"].options[2].implied = True
    result = run("Hembesök.", tree=tree)
    assert "metod" not in [i.step.slug for i in result.inferred]
    assert result.walk.answers[2].implied and result.stopped_at.slug == "vilka"


# --- deciding a single-choice step ----------------------------------------------------------------


def test_a_negated_answer_with_one_left_settles_the_step_by_exclusion():
    tree = tiny_tree()
    tree.steps["kontakt"].options = tree.steps["kontakt"].options[:2]
    result = run("Inte telefon, patienten kom.", tree=tree)
    kontakt = step_of(result, "kontakt")
    assert kontakt.chosen == ["mottagning"]
    assert kontakt.reason == "Texten utesluter ”Telefon”."
    assert kontakt.because == ["telefon"]


def test_a_negated_answer_with_several_left_does_not_choose_among_them():
    result = run("Inte telefon.")
    assert result.stopped_at.slug == "kontakt"


def test_the_default_answers_a_step_the_text_says_nothing_about_but_not_one_it_denies():
    step_cues = {"kontakt": {"default": "mottagning"}}
    kontakt = step_of(run("KBT.", step_cues), "kontakt")
    assert kontakt.chosen == ["mottagning"] and kontakt.because == []
    assert kontakt.reason == "Texten nämner inget om detta; det vanliga är ”Mottagningsbesök”."
    assert run("Ingen telefon.", step_cues).stopped_at.slug == "kontakt"
    assert run("KBT.", {"kontakt": {"default": "finns-inte"}}).stopped_at.slug == "kontakt"


def test_a_weak_cue_decides_only_when_nothing_else_is_said():
    step_cues = {"kontakt": {"mottagning": {"weak": ["träff*"]}, "hembesok": {"weak": ["hem*"]}}}
    kontakt = step_of(run("Träffades. KBT.", step_cues), "kontakt")
    assert kontakt.chosen == ["mottagning"] and kontakt.because == ["Träffades"]
    assert kontakt.reason == "Inget annat svar nämns; texten tyder på ”Mottagningsbesök”."
    assert step_of(run("Träffades på telefon. KBT.", step_cues), "kontakt").chosen == ["telefon"]
    both = run("Träffades hemma. KBT.", step_cues)
    assert both.stopped_at.slug == "kontakt" and both.likely == ["mottagning", "hembesok"]
    assert both.reasons[-1] == "Hur? Texten kan passa ”Mottagningsbesök”, ”Hembesök”."
    negated = run("Träffades inte. KBT.", step_cues)
    assert negated.stopped_at.slug == "kontakt" and negated.likely == []


def test_a_more_specific_answer_settles_the_one_it_is_over():
    step_cues = {"metod": {"kbt": {"over": ["samtal"]}}}
    metod = step_of(run("Mottagningsbesök. Stödsamtal med KBT.", step_cues), "metod")
    assert metod.chosen == ["kbt"]
    assert run("Mottagningsbesök. Stödsamtal med KBT.").stopped_at.slug == "metod"
    # "over" settles only the answers it names.
    step_cues = {"metod": {"kbt": {"over": ["ingen"]}}}
    assert run("Mottagningsbesök. Stödsamtal med KBT.", step_cues).stopped_at.slug == "metod"


def test_an_answer_said_to_be_the_only_one_settles_the_others():
    kontakt = step_of(run("Hembesök planerat men endast telefon."), "kontakt")
    assert kontakt.chosen == ["telefon"]
    assert kontakt.because == ["endast telefon"]
    assert run("Endast telefon och endast hembesök.").stopped_at.slug == "kontakt"


def test_a_hedged_mention_of_an_answer_with_a_code_stops_the_walk_as_unclear():
    result = run("Mottagningsbesök. KBT planeras.")
    assert step_of(result, "metod").chosen == ["kbt"]  # "planeras" stands after it
    result = run("Mottagningsbesök. Planeras KBT.")
    assert result.stopped_at.slug == "metod" and result.likely == ["kbt"]
    assert result.reasons[-1] == "Metod? Texten är oklar om ”Kognitiv beteendeterapi (KBT)”."


def test_a_hedged_mention_of_an_answer_without_a_code_is_no_support_at_all():
    result = run("Planeras mottagningsbesök.")
    assert result.stopped_at.slug == "kontakt" and result.likely == []


def test_an_answer_both_said_and_denied_is_unclear_when_a_code_hangs_on_it():
    result = run("Mottagningsbesök. KBT. Ingen KBT.")
    assert result.stopped_at.slug == "metod" and result.likely == ["kbt"]
    # Without a code it only routes the walk: said once is enough.
    kontakt = step_of(run("Mottagningsbesök. Inget mottagningsbesök igen. KBT."), "kontakt")
    assert kontakt.chosen == ["mottagning"]


# --- cues: labels, abbreviations, negated cues, groups ------------------------------------------


def test_a_labels_abbreviation_is_a_cue_but_a_lower_case_word_in_brackets_is_not():
    assert [p.text for p in describe._label_patterns("Kognitiv beteendeterapi (KBT)")] == [
        "Kognitiv beteendeterapi",
        "KBT",
    ]
    assert [p.text for p in describe._label_patterns("Tvångsvård (LPT/LRV)")] == ["Tvångsvård", "LPT", "LRV"]
    assert [p.text for p in describe._label_patterns("Cytostatika (cancer)")] == ["Cytostatika"]
    assert [p.text for p in describe._label_patterns("Ja, tolk")] == ["tolk"]
    assert describe._label_patterns("Nej") == []


def test_labels_are_no_cues_where_the_step_says_so():
    step_cues = {"kontakt": {"labels": False, "telefon": {"cues": ["ringde"]}}}
    assert run("Telefon.", step_cues).stopped_at.slug == "kontakt"
    assert step_of(run("Ringde. KBT.", step_cues), "kontakt").chosen == ["telefon"]


def test_an_abbreviation_cue_matches_only_as_written():
    step_cues = {"metod": {"kbt": {"cues": ["FaR"]}}}
    assert step_of(run("Mottagningsbesök. FaR ordinerades.", step_cues), "metod").chosen == ["kbt"]
    assert run("Mottagningsbesök. Patienten får råd.", step_cues).stopped_at.slug == "metod"


def test_a_negated_cue_supports_its_answer_and_a_plain_one_speaks_against_it():
    step_cues = {"kontakt": {"mottagning": {"negated": ["telefon*"]}, "labels": False}}
    kontakt = step_of(run("Inte per telefon. KBT.", step_cues), "kontakt")
    assert kontakt.chosen == ["mottagning"] and kontakt.because == ["telefon"]
    assert run("Per telefon.", step_cues).stopped_at.slug == "kontakt"


def test_an_answer_with_groups_needs_every_group():
    step_cues = {
        "metod": {"labels": False, "kbt": {"all": [["suicid*"], ["skattning*"]]}, "samtal": {"cues": ["stödsamtal"]}}
    }
    both = step_of(run("Mottagningsbesök. Suicidtankar, skattning gjord.", step_cues), "metod")
    assert both.chosen == ["kbt"] and both.because == ["Suicidtankar", "skattning"]
    first_only = run("Mottagningsbesök. Suicidtankar.", step_cues)
    assert first_only.stopped_at.slug == "metod" and first_only.likely == ["kbt"]
    later_only = run("Mottagningsbesök. Skattning gjord.", step_cues)
    assert later_only.stopped_at.slug == "metod" and later_only.likely == []
    denied = run("Mottagningsbesök. Suicidtankar, ingen skattning. Stödsamtal.", step_cues)
    assert step_of(denied, "metod").chosen == ["samtal"]
    conflict = run("Mottagningsbesök. Suicidtankar, skattning. Ingen skattning.", step_cues)
    assert conflict.stopped_at.slug == "metod" and conflict.likely == ["kbt"]


# --- negation and doubt in the text ---------------------------------------------------------------


def test_a_negation_reaches_five_words_forward_and_then_only_casts_doubt():
    assert run("Mottagningsbesök. Inget stödsamtal.").stopped_at.slug == "metod"
    near = run("Mottagningsbesök. Inte ett två tre fyra stödsamtal.")
    assert near.stopped_at.slug == "metod" and near.likely == []
    far = run("Mottagningsbesök. Inte ett två tre fyra fem stödsamtal.")
    assert far.stopped_at.slug == "metod" and far.likely == ["samtal"]


def test_a_negation_stops_at_a_comma_and_at_but():
    assert step_of(run("Mottagningsbesök. Ingen ångest, stödsamtal."), "metod").chosen == ["samtal"]
    assert step_of(run("Mottagningsbesök. Ingen ångest men stödsamtal."), "metod").chosen == ["samtal"]


def test_a_negation_after_an_auxiliary_denies_what_stands_before_it():
    denied = run("Mottagningsbesök. Stödsamtal har inte gjorts.")
    assert denied.stopped_at.slug == "metod" and denied.likely == []
    doubted = run("Mottagningsbesök. Stödsamtal gick inte bra.")
    assert doubted.stopped_at.slug == "metod" and doubted.likely == ["samtal"]


def test_a_word_that_denies_what_stands_before_it():
    tree = tiny_tree()
    tree.steps["kontakt"].options = tree.steps["kontakt"].options[:2]
    assert step_of(run("Telefon uteblev. KBT.", tree=tree), "kontakt").chosen == ["mottagning"]


def test_a_phrase_with_a_negation_word_that_is_a_value_does_not_negate():
    assert step_of(run("Mottagningsbesök. Ingen risk, stödsamtal."), "metod").chosen == ["samtal"]
    assert step_of(run("Mottagningsbesök. Stödsamtal ingen risk."), "metod").chosen == ["samtal"]


def test_a_negation_word_inside_a_cue_does_not_negate_the_cue():
    step_cues = {"vilka": {"narstaende": {"cues": ["utan förälder"]}}}
    result = run("Mottagningsbesök. Stödsamtal. Kom utan förälder.", step_cues)
    assert step_of(result, "vilka").chosen == ["narstaende"]


# --- multiple choice ----------------------------------------------------------------------------


def test_every_clearly_said_answer_of_a_multiple_choice_step_is_taken_in_order():
    vilka = step_of(run("Mottagningsbesök. Stödsamtal. Närstående och tolk."), "vilka")
    assert vilka.chosen == ["tolk", "narstaende"] and vilka.segment == "tolk+narstaende"
    assert vilka.because == ["Närstående", "tolk"]
    assert vilka.reason == "Texten nämner ”Tolk”, ”Närstående”."


def test_a_multiple_choice_step_says_none_only_where_the_cues_allow_it():
    plain = run("Mottagningsbesök. Stödsamtal.")
    assert (
        plain.stopped_at.slug == "vilka"
        and plain.reasons[-1] == "Vilka medverkade? Texten säger inget som avgör frågan."
    )
    silent = run("Mottagningsbesök. Stödsamtal.", {"vilka": {"silent_none": True}})
    assert silent.finished and step_of(silent, "vilka").segment == "inga"
    assert step_of(silent, "vilka").reason == "Texten nämner inget av detta."
    denied = step_of(run("Mottagningsbesök. Stödsamtal. Ingen tolk.", {"vilka": {"silent_none": True}}), "vilka")
    assert denied.reason == "Texten utesluter ”Tolk”."


def test_an_unclear_answer_of_a_multiple_choice_step_stops_even_beside_a_clear_one():
    result = run("Mottagningsbesök. Stödsamtal. Närstående, remiss tolk.")
    assert result.stopped_at.slug == "vilka" and result.likely == ["narstaende", "tolk"]
    assert result.reasons[-1] == "Vilka medverkade? Texten är oklar om ”Tolk”."


def test_a_weak_cue_on_a_multiple_choice_step_only_suggests():
    step_cues = {"vilka": {"tolk": {"weak": ["språk*"]}}}
    result = run("Mottagningsbesök. Stödsamtal. Språkstöd.", step_cues)
    assert result.stopped_at.slug == "vilka" and result.likely == ["tolk"]
    assert result.reasons[-1] == "Vilka medverkade? Texten kan passa ”Tolk”."


# --- how a cue stands in the text -----------------------------------------------------------------


def metod_cue(cue: str) -> dict:
    return {"metod": {"labels": False, "kbt": {"cues": [cue]}}}


def method_of(text: str, step_cues: dict) -> list[str] | None:
    result = run("Mottagningsbesök. " + text, step_cues)
    chosen = [i.chosen for i in result.inferred if i.step.slug == "metod"]
    return chosen[0] if chosen else None


def test_a_cues_words_may_have_one_word_between_them_or_six_where_it_says_so():
    assert method_of("Exponering i grupp.", metod_cue("exponering grupp")) == ["kbt"]
    assert method_of("Exponering i liten grupp.", metod_cue("exponering grupp")) is None
    assert method_of("Grupp och exponering.", metod_cue("exponering grupp")) is None
    wide = metod_cue("exponering … grupp")
    assert method_of("Exponering ett två tre fyra fem grupp.", wide) == ["kbt"]
    assert method_of("Exponering ett två tre fyra fem sex grupp.", wide) == ["kbt"]
    assert method_of("Exponering ett två tre fyra fem sex sju grupp.", wide) is None
    assert method_of("Exponering ett två tre fyra fem grupp.", metod_cue("exponering ... grupp")) == ["kbt"]


def test_a_star_matches_the_beginning_the_end_or_the_inside_of_a_word():
    assert method_of("Exponeringen gick bra.", metod_cue("exponering*")) == ["kbt"]
    assert method_of("Gruppexponering.", metod_cue("exponering*")) is None
    assert method_of("Gruppexponering.", metod_cue("*exponering")) == ["kbt"]
    assert method_of("Exponeringen.", metod_cue("*exponering")) is None
    assert method_of("Gruppexponeringen.", metod_cue("*exponering*")) == ["kbt"]
    assert method_of("Gruppexponeringen.", metod_cue("*xponerin*")) == ["kbt"]
    assert method_of("Gruppövning.", metod_cue("*exponering*")) is None
    # The star works on the folded word: å, ä, ö match a, a, o.
    assert method_of("Övningar.", metod_cue("ovning*")) == ["kbt"]


def test_a_star_cue_of_several_words_stars_only_its_outer_words():
    assert method_of("Exponering gruppvis.", metod_cue("exponering grupp*")) == ["kbt"]
    assert method_of("Gruppexponering gruppvis.", metod_cue("*exponering grupp*")) == ["kbt"]
    assert method_of("Exponeringsövning.", metod_cue("*exponering*")) == ["kbt"]


def test_a_cue_may_stand_several_times_and_is_quoted_once_per_wording():
    vilka = step_of(run("Mottagningsbesök. Stödsamtal. Tolk. Tolk igen, tolk."), "vilka")
    assert vilka.because == ["Tolk", "tolk"]


# --- negation, doubt and limits in detail ---------------------------------------------------------


def test_not_this_but_that_says_that_and_never_a_third_answer():
    kontakt = step_of(run("Inte telefon utan hembesök. KBT."), "kontakt")
    assert kontakt.chosen == ["hembesok"] and kontakt.because == ["hembesök"]
    # "utan" on its own still denies: "utan hembesök" leaves only the other two.
    assert run("Utan hembesök. KBT.").stopped_at.slug == "kontakt"


def test_without_the_patient_with_someone_else_names_who_was_there():
    result = run("Mottagningsbesök. Stödsamtal. Utan patienten med tolk.")
    assert step_of(result, "vilka").chosen == ["tolk"]
    denied = run("Mottagningsbesök. Stödsamtal. Utan tolk.", {"vilka": {"silent_none": True}})
    assert step_of(denied, "vilka").chosen == []


def test_a_passive_verb_before_a_negation_makes_it_deny_what_stands_before():
    assert method_of("Stödsamtal bokas inte.", {}) is None
    assert run("Mottagningsbesök. Stödsamtal bokas inte.").likely == []
    # A short word ending like a passive is no verb: only doubt.
    assert run("Mottagningsbesök. Stödsamtal glas inte.").likely == ["samtal"]


def test_a_late_negation_doubts_its_own_clause_and_a_short_tails_clause_before_it():
    assert run("Mottagningsbesök. Stödsamtal, inte gjort.").likely == ["samtal"]
    assert method_of("Stödsamtal, sedan inte alls mer i dag.", {}) == ["samtal"]


def test_but_starts_anew_for_a_negation_that_stands_after():
    assert method_of("Stödsamtal hölls men ångesten släppte inte.", {}) == ["samtal"]


def test_a_word_that_denies_what_stands_before_only_doubts_an_earlier_clause():
    result = run("Mottagningsbesök. Stödsamtal, KBT uteblev.")
    assert result.stopped_at.slug == "metod" and result.likely == ["samtal"]


def test_a_hedge_reaches_four_words_and_not_past_a_comma():
    assert run("Mottagningsbesök. Planeras ett två tre KBT.").likely == ["kbt"]
    assert method_of("Planeras ett två tre fyra KBT.", {}) == ["kbt"]
    assert method_of("Planeras, KBT.", {}) == ["kbt"]
    assert run("Mottagningsbesök. Remissen gäller KBT.").likely == ["kbt"]


def test_a_limiter_only_limits_the_word_right_after_it():
    assert run("Telefon samt hembesök endast.").stopped_at.slug == "kontakt"
    assert run("Endast ett telefon och hembesök.").stopped_at.slug == "kontakt"


def test_a_negated_mention_of_an_answer_without_a_code_is_no_support_but_no_doubt_either():
    # "Mottagning" only routes the walk: doubt does not block it, a denial does.
    result = run("Mottagningsbesök gick inte bra. KBT.")
    assert step_of(result, "kontakt").chosen == ["mottagning"]


# --- the cue file and its parsing -------------------------------------------------------------------


def test_cues_are_read_per_step_and_option_with_the_steps_settings():
    parsed = describe.parse_cues(
        {
            "context": {"psy": "psykiatri"},
            "language": {"hedges": ["planeras", "remiss*"], "negations": ["Inte"], "limiters": ["Endast"]},
            "steps": {
                "kontakt": {
                    "default": "mottagning",
                    "silent_none": 1,
                    "labels": False,
                    "telefon": {"cues": ["ringde"], "weak": ["samtal"], "negated": ["besök"], "over": ["hembesok"]},
                    "mottagning": {"all": [["a", "b"], ["c"]]},
                }
            },
        }
    )
    kontakt = parsed.steps["kontakt"]
    assert (kontakt.default, kontakt.silent_none, kontakt.labels) == ("mottagning", True, False)
    assert set(kontakt.options) == {"telefon", "mottagning"}
    telefon = kontakt.options["telefon"]
    assert [p.text for p in telefon.any] == ["ringde"] and [p.text for p in telefon.weak] == ["samtal"]
    assert [p.text for p in telefon.negated] == ["besök"] and telefon.over == ["hembesok"]
    assert [[p.text for p in group] for group in kontakt.options["mottagning"].all] == [["a", "b"], ["c"]]
    assert parsed.context == {"psy": "psykiatri"}
    assert parsed.hedges == frozenset({"planeras"}) and parsed.hedge_prefixes == ("remiss",)
    assert parsed.negations == frozenset({"inte"}) and parsed.limiters == frozenset({"endast"})
    empty = describe.parse_cues({})
    assert empty.steps == {} and empty.context == {} and empty.lexical == []
    assert describe.parse_cues({"steps": {"x": {}}}).steps["x"].labels is True


def test_the_projects_cue_file_is_read_and_kept_until_it_changes():
    loaded = describe.load_cues()
    assert loaded is describe.load_cues()
    assert loaded.context and "inte" in loaded.negations and loaded.steps


def test_without_cues_given_the_projects_cue_file_is_used():
    result = describe.describe(tiny_tree(), "Telefon.", "psykiatri")
    assert result.inferred[0].given and result.inferred[0].chosen == ["psykiatri"]


# --- a broken tree ------------------------------------------------------------------------------------


def test_a_tree_that_loops_stops_after_a_hundred_answers_and_is_not_finished():
    tree = tiny_tree()
    tree.steps["kontakt"].options[0].next = "kontakt"  # validate refuses this; the walk must still end
    result = run("Mottagningsbesök.", tree=tree)
    assert len(result.inferred) == 100 and not result.finished
    assert result.stopped_at.slug == "kontakt"


# --- pinned by mutation testing: each of these once let a changed engine through ---------------------


def test_a_cues_later_word_matches_by_its_own_kind():
    assert method_of("Exponering undergrupp.", metod_cue("exponering grupp")) is None
    assert method_of("Exponering gruppen.", metod_cue("exponering grupp")) == ["kbt"]
    assert method_of("Exponering undergrupp.", metod_cue("exponering grupp*")) is None
    assert method_of("Exponering undergrupp.", metod_cue("exponering *grupp")) == ["kbt"]
    assert method_of("Exponering gruppvis.", metod_cue("exponering *grupp")) is None
    assert method_of("Grupp exponeringen.", metod_cue("grupp *xponer*")) == ["kbt"]
    assert method_of("Grupp övning.", metod_cue("grupp *xponer*")) is None
    assert method_of("Exponering FaR.", metod_cue("exponering FaR")) == ["kbt"]
    assert method_of("Exponering får.", metod_cue("exponering FaR")) is None


def test_a_cues_first_word_matches_whole_words_by_their_stem():
    assert method_of("Undergrupp.", metod_cue("grupp")) is None
    assert method_of("Gruppen.", metod_cue("grupp")) == ["kbt"]


def test_a_short_word_with_capitals_in_a_cue_is_matched_as_written_and_a_longer_one_by_its_stem():
    assert method_of("Grupp.", metod_cue("Grupps")) is None
    assert method_of("Grupp.", metod_cue("Gruppen")) == ["kbt"]


def test_a_negated_cue_quotes_its_words_beside_the_plain_ones_in_text_order():
    step_cues = {"kontakt": {"mottagning": {"negated": ["telefon*"], "cues": ["kom"]}, "labels": False}}
    kontakt = step_of(run("Kom, inte per telefon. KBT.", step_cues), "kontakt")
    assert kontakt.chosen == ["mottagning"] and kontakt.because == ["Kom", "telefon"]


def test_a_hedged_mention_of_a_negated_cue_denies_nothing():
    tree = tiny_tree()
    tree.steps["kontakt"].options = tree.steps["kontakt"].options[:2]
    step_cues = {"kontakt": {"mottagning": {"negated": ["telefon*"]}, "labels": False}}
    # Were it read as a denial of "mottagning", only "telefon" would be left: a wrong code.
    result = run("Planeras telefon. KBT.", step_cues, tree=tree)
    assert result.stopped_at.slug == "kontakt" and result.likely == []


def test_doubt_about_an_explicit_no_code_answer_stops_the_walk():
    step_cues = {"metod": {"ingen": {"cues": ["paus*"]}}}
    result = run("Mottagningsbesök. Planeras paus.", step_cues)
    assert result.stopped_at.slug == "metod" and result.likely == ["ingen"]


def two_methods() -> Tree:
    tree = tiny_tree()
    tree.steps["metod"].options = tree.steps["metod"].options[:2]
    return tree


GROUPS = {"metod": {"kbt": {"all": [["suicid*"], ["skattning*"]], "weak": ["övning*"]}}}


def test_a_group_the_text_denies_rules_the_answer_out_even_when_another_group_is_said():
    result = run("Mottagningsbesök. Suicidtankar uttalade. Ingen skattning.", GROUPS, tree=two_methods())
    assert step_of(result, "metod").chosen == ["samtal"]
    assert step_of(result, "metod").reason == "Texten utesluter ”Kognitiv beteendeterapi (KBT)”."


def test_an_answer_with_groups_denied_by_its_label_is_ruled_out():
    result = run("Mottagningsbesök. Ingen KBT.", GROUPS, tree=two_methods())
    assert step_of(result, "metod").chosen == ["samtal"]


def test_an_answer_with_every_group_said_but_its_label_denied_is_unclear():
    result = run("Mottagningsbesök. Suicidtankar, skattning. Ingen KBT.", GROUPS)
    assert result.stopped_at.slug == "metod" and result.likely == ["kbt"]


def test_a_hedged_first_group_is_a_question_to_ask():
    result = run("Mottagningsbesök. Planeras suicidsamtal.", GROUPS)
    assert result.stopped_at.slug == "metod" and result.likely == ["kbt"]


def test_an_answer_with_groups_and_nothing_said_may_still_rest_on_a_weak_cue():
    metod = step_of(run("Mottagningsbesök. Övningar.", GROUPS), "metod")
    assert metod.chosen == ["kbt"] and metod.because == ["Övningar"]


def test_without_the_patient_denies_every_participant_named_after_it():
    step_cues = {"vilka": {"silent_none": True}}
    vilka = step_of(run("Mottagningsbesök. Stödsamtal. Utan tolk och närstående.", step_cues), "vilka")
    assert vilka.chosen == [] and vilka.reason == "Texten utesluter ”Tolk”, ”Närstående”."


def test_a_value_phrase_frees_only_its_own_words_from_being_a_negation():
    assert method_of("Inget stödsamtal och ingen risk.", {}) is None
    assert method_of("Ingen risk, inte stödsamtal.", {}) is None
    assert method_of("Ingen risk inte stödsamtal.", {}) is None


def test_a_short_tail_is_three_words_at_most():
    assert run("Mottagningsbesök. Stödsamtal, inte gjort alls.").likely == ["samtal"]
    assert method_of("Stödsamtal, inte gjort alls idag.", {}) == ["samtal"]


def test_a_negation_inside_a_cue_casts_no_doubt_on_the_cues_other_words():
    step_cues = {"vilka": {"tolk": {"cues": ["tolkning utan förälder", "utan … vårdnadshavare", "tolkning utan"]}}}
    for said in ("Tolkning utan förälder.", "Utan ett två tre fyra fem vårdnadshavare.", "Tolkning, utan."):
        result = run("Mottagningsbesök. Stödsamtal. " + said, step_cues)
        assert step_of(result, "vilka").chosen == ["tolk"], said


def test_a_stopped_description_keeps_the_path_it_walked():
    result = run("Mottagningsbesök.")
    assert result.path == ["psykiatri", "mottagning"] and result.stopped_at.slug == "metod"


def test_the_cue_file_is_read_again_when_it_changes(tmp_path, monkeypatch):
    import os

    cue_file = tmp_path / "cues.toml"
    cue_file.write_text('[context]\na = "psykiatri"\n', encoding="utf-8")
    monkeypatch.setattr(describe, "CUES_FILE", cue_file)
    assert describe.load_cues().context == {"a": "psykiatri"}
    cue_file.write_text('[context]\nb = "rehab"\n', encoding="utf-8")
    os.utime(cue_file, (1_000_000_000, 1_000_000_000))
    assert describe.load_cues().context == {"b": "rehab"}


def test_a_repeated_word_is_quoted_where_it_stands_not_where_it_first_stood():
    metod = step_of(
        run("Mottagningsbesök. exponering sedan exponering i grupp.", metod_cue("exponering grupp")), "metod"
    )
    assert metod.because == ["exponering i grupp"]


def test_a_word_that_comes_again_later_is_quoted_at_its_first_place():
    metod = step_of(run("Mottagningsbesök. exponering i grupp och grupp igen.", metod_cue("exponering grupp")), "metod")
    assert metod.because == ["exponering i grupp"]


def test_a_reporting_word_inside_a_cue_casts_no_doubt_on_the_cue():
    step_cues = {"vilka": {"tolk": {"cues": ["remissvar tolk"]}}}
    result = run("Mottagningsbesök. Stödsamtal. Remissvar tolk.", step_cues)
    assert step_of(result, "vilka").chosen == ["tolk"]


# --- the dialogue: starting from answers given, asking a step again (issue 24) --------------------


def test_answers_given_are_kept_and_the_walk_goes_on_reading_the_text():
    silent = cues(vilka={"silent_none": True})
    result = describe.describe(tiny_tree(), "KBT.", "psy", cues=silent, path=["psykiatri", "telefon"])
    assert result.finished and result.path == ["psykiatri", "telefon", "kbt", "inga"]
    by = [(item.step.slug, item.by) for item in result.inferred]
    assert by == [("inom", "context"), ("kontakt", "you"), ("metod", "text"), ("vilka", "text")]
    assert step_of(result, "kontakt").given and not step_of(result, "metod").given


def test_a_given_answer_the_text_also_says_is_shown_as_read_from_the_text():
    result = describe.describe(tiny_tree(), "Telefon. KBT.", "psy", cues=cues(), path=["psykiatri", "telefon"])
    kontakt = step_of(result, "kontakt")
    assert kontakt.by == "text" and kontakt.because == ["Telefon"]
    other = describe.describe(tiny_tree(), "Telefon. KBT.", "psy", cues=cues(), path=["psykiatri", "hembesok"])
    assert step_of(other, "kontakt").by == "you" and step_of(other, "kontakt").because == []


def test_answers_that_do_not_fit_the_tree_raise_the_wizards_error():
    import pytest

    from catalog.visits.wizard import WalkError

    with pytest.raises(WalkError):
        describe.describe(tiny_tree(), "KBT.", "psy", cues=cues(), path=["psykiatri", "brev"])


def test_asking_stops_at_the_next_step_even_when_the_text_settles_it_and_marks_its_answer_likely():
    result = describe.describe(tiny_tree(), "Telefon. KBT.", "psy", cues=cues(), path=["psykiatri"], ask=True)
    assert result.stopped_at.slug == "kontakt" and result.likely == ["telefon"]
    assert [c.option.slug for c in result.choices] == ["telefon", "mottagning", "hembesok"]
    assert result.choices[0].because == ("Telefon",) and not result.choices[1].likely
    # Asking the start step again ignores the chosen context.
    again = describe.describe(tiny_tree(), "KBT.", "psy", cues=cues(), path=[], ask=True)
    assert again.stopped_at.slug == "inom" and again.inferred == []


def test_the_open_question_lists_every_answer_the_likely_ones_first_with_their_words():
    step_cues = {"kontakt": {"mottagning": {"weak": ["träff*"]}, "hembesok": {"weak": ["hem*"]}}}
    result = run("Träffades hemma. KBT.", step_cues)
    listed = [(c.option.slug, c.likely, c.because) for c in result.choices]
    assert listed == [
        ("mottagning", True, ("Träffades",)),
        ("hembesok", True, ("hemma",)),
        ("telefon", False, ()),
    ]


def test_a_multiple_choice_answer_the_text_clearly_says_is_marked_said_beside_an_unclear_one():
    result = run("Mottagningsbesök. KBT. Tolk. Planeras närstående.")
    assert result.stopped_at.slug == "vilka"
    said = {c.option.slug: c.said for c in result.choices}
    assert said == {"tolk": True, "narstaende": False}


# --- what a clinician writes (issue 24) ----------------------------------------------------------


def test_a_full_stop_before_a_small_letter_or_a_digit_ends_no_sentence():
    text = "Tel. med pats pappa. Pat. själv inte med. Enl. 5 kap. 7 §. Tel.samtal"
    spans = [s.text.strip() for s in describe.sentences_of(text)]
    assert spans == ["Tel. med pats pappa", "Pat. själv inte med", "Enl. 5 kap. 7 §", "Tel.samtal"]


def test_a_planned_or_past_answer_does_not_stand_in_the_way_of_one_the_text_says_was_given():
    assert step_of(run("Mottagningsbesök. Planeras KBT, nu stödsamtal."), "metod").chosen == ["samtal"]
    # … but alone it is still a question to ask.
    assert run("Mottagningsbesök. Planeras KBT.").stopped_at.slug == "metod"


def test_a_denial_in_a_planned_or_past_act_is_only_doubt():
    step_cues = {"metod": {"ingen": {"negated": ["KBT"]}}}
    result = run("Mottagningsbesök. Planeras ingen KBT.", step_cues)
    assert result.stopped_at.slug == "metod"  # neither denied nor said
    assert step_of(run("Mottagningsbesök. Ingen KBT.", step_cues), "metod").chosen == ["ingen"]


def test_a_name_settles_an_answer_only_general_words_support():
    step_cues = {"metod": {"kbt": {"specific": ["KBT"]}, "samtal": {"cues": ["samtal*"]}}}
    assert step_of(run("Mottagningsbesök. Samtal med KBT.", step_cues), "metod").chosen == ["kbt"]
    both_named = {"metod": {"kbt": {"specific": ["KBT"]}, "samtal": {"specific": ["samtal*"]}}}
    assert run("Mottagningsbesök. Samtal med KBT.", both_named).stopped_at.slug == "metod"


def test_someone_named_counts_as_present_only_where_the_sentence_says_someone_took_part():
    vilka = {
        "silent_none": True,
        "frames": ["möte*", "deltog"],
        "topics": ["om"],
        "narstaende": {"present": ["mamma*"]},
    }
    took_part = run("Mottagningsbesök. KBT. Möte med pat och mamma.", {"vilka": vilka})
    assert step_of(took_part, "vilka").chosen == ["narstaende"]
    assert step_of(run("Mottagningsbesök. KBT. Mamma deltog.", {"vilka": vilka}), "vilka").chosen == ["narstaende"]
    # Named where nothing says so: maybe there, maybe not, so a question with the answer marked likely …
    named = run("Mottagningsbesök. KBT. Mamma väntade utanför.", {"vilka": vilka})
    assert named.stopped_at.slug == "vilka" and named.likely == ["narstaende"]
    # … unless it is what was talked about.
    about = run("Mottagningsbesök. KBT. Pat berättar om mamma.", {"vilka": vilka})
    assert step_of(about, "vilka").chosen == []
    # Whom a call was with is the call itself, no one who took part in a meeting.
    call = run("Mottagningsbesök. KBT. Mamma hördes av.", {"vilka": {**vilka, "calls": ["hördes"]}})
    assert step_of(call, "vilka").chosen == []
    # A name is a whole word: "mammagrupp" names no mother in the room.
    assert (
        step_of(
            run("Mottagningsbesök. KBT. Mammagrupp.", {"vilka": {**vilka, "narstaende": {"present": ["mamma"]}}}),
            "vilka",
        ).chosen
        == []
    )


def test_an_answer_may_rest_on_what_the_text_says_about_a_later_step():
    tree = tiny_tree()
    tree.steps["kontakt"].options[0].next = "metod"
    step_cues = {"kontakt": {"hembesok": {"follows": "metod"}}}
    assert step_of(run("Psykiatri. KBT.", step_cues), "kontakt").chosen == ["hembesok"]
    assert step_of(run("Psykiatri. KBT.", step_cues), "kontakt").because == ["KBT"]
    assert run("Psykiatri. Hej.", step_cues).stopped_at.slug == "kontakt"
    assert step_of(run("Psykiatri. Mottagningsbesök. KBT.", step_cues), "kontakt").chosen == ["mottagning"]


def test_words_after_an_answer_may_say_it_is_the_only_one_or_only_planned():
    language = {**LANGUAGE, "after_limiters": ["istället", "i stället"], "after_hedges": ["nästa"]}
    parsed = describe.parse_cues({"context": {"psy": "psykiatri"}, "language": language, "steps": {}})
    result = describe.describe(tiny_tree(), "Hembesök bokat, blev telefon i stället. KBT.", "psy", cues=parsed)
    assert step_of(result, "kontakt").chosen == ["telefon"]
    planned = describe.describe(tiny_tree(), "Mottagningsbesök. KBT nästa vecka.", "psy", cues=parsed)
    assert planned.stopped_at.slug == "metod"


def test_a_two_word_denial_after_an_answer_denies_it():
    language = {**LANGUAGE, "after_negations": ["ställdes in"]}
    parsed = describe.parse_cues({"context": {"psy": "psykiatri"}, "language": language, "steps": {}})
    result = describe.describe(tiny_tree(), "Hembesök ställdes in. Telefon. KBT.", "psy", cues=parsed)
    assert step_of(result, "kontakt").chosen == ["telefon"]


def test_an_abbreviation_stands_for_its_word_and_a_capitalised_one_only_as_written():
    parsed = describe.parse_cues(
        {"context": {"psy": "psykiatri"}, "language": LANGUAGE, "abbreviations": {"tfn": "telefon", "HB": "hembesök"}}
    )
    lexicon = describe.build_lexicon(parsed, [], [])
    result = describe.describe(tiny_tree(), "Tfn. KBT.", "psy", cues=parsed, lexicon=lexicon)
    assert step_of(result, "kontakt").chosen == ["telefon"] and step_of(result, "kontakt").because == ["Tfn"]
    assert step_of(
        describe.describe(tiny_tree(), "HB. KBT.", "psy", cues=parsed, lexicon=lexicon), "kontakt"
    ).chosen == ["hembesok"]
    assert describe.describe(tiny_tree(), "hb. KBT.", "psy", cues=parsed, lexicon=lexicon).stopped_at.slug == "kontakt"


def test_the_answer_named_first_settles_a_step_that_says_so():
    step_cues = {"kontakt": {"first": True}}
    assert step_of(run("Hembesök, sedan telefon. KBT.", step_cues), "kontakt").chosen == ["hembesok"]
    assert run("Hembesök, sedan telefon. KBT.").stopped_at.slug == "kontakt"
    # Only in the first sentence.
    assert run("KBT. Hembesök, sedan telefon.", step_cues).stopped_at.slug == "kontakt"


def test_and_after_a_phrase_ends_a_negation_but_not_in_a_short_list():
    assert step_of(run("Mottagningsbesök. Ville inte ha mer stöd och fick KBT."), "metod").chosen == ["kbt"]
    assert run("Mottagningsbesök. Inget stöd och KBT.").stopped_at.slug == "metod"


def test_a_negation_before_a_noun_does_not_reach_back_over_a_comma():
    step_cues = {"metod": {"samtal": {"cues": ["stödsamtal"]}}}
    assert step_of(run("Mottagningsbesök. Stödsamtal, inget fokus.", step_cues), "metod").chosen == ["samtal"]
    assert run("Mottagningsbesök. Stödsamtal, inte gjort.", step_cues).stopped_at.slug == "metod"


def test_an_answer_a_supported_one_settles_does_not_stand_in_its_way():
    step_cues = {"metod": {"kbt": {"over": ["samtal"]}}}
    result = run("Mottagningsbesök. KBT. Stödsamtal planeras.", step_cues)
    assert step_of(result, "metod").chosen == ["kbt"]


def test_an_answers_label_is_a_whole_word_never_a_part_of_a_compound():
    # The analysis splits "telefonsamtal" into telefon + samtal, and a cue may be found that way;
    # an answer's own label ("Telefon") only as the word itself.
    assert "telefon" in describe.load_lexicon().alternatives("telefonsamtal")[1]

    assert run("Telefonsamtal. Stödsamtal.").stopped_at.slug == "kontakt"
    assert step_of(run("Telefon. Stödsamtal."), "kontakt").chosen == ["telefon"]


def test_a_cues_later_word_finds_a_compound_that_holds_it_as_a_part():
    step_cues = {"vilka": {"narstaende": {"cues": ["information närstående"]}}}
    # "närståendegruppen" holds "närstående" only as its first part (no concept names it whole).
    assert describe.load_lexicon().alternatives("närståendegruppen")[2] == frozenset()

    result = run("Mottagningsbesök. Stödsamtal. Information till närståendegruppen.", step_cues)

    assert step_of(result, "vilka").chosen == ["narstaende"]
