"""The wizard engine on a tiny hand-built tree: walking, suggesting, validating."""

from decimal import Decimal

import pytest

from catalog.visits import wizard
from catalog.visits.wizard import Contact, Note, Option, Step, SuggestedCode, Tree, WalkError, choose, validate, walk


def code(c: str, role: str = "huvudåtgärd") -> SuggestedCode:
    return SuggestedCode(code=c, role=role, reason="Enligt regeln.", quote_from="entry:lista/" + c + "/anvisning")


def tiny_tree() -> Tree:
    video = Contact(
        ref="regler/video",
        name="Video",
        printed="Video (M)",
        staff_category="Alla",
        patient_fee="100 kr",
        points=Decimal("1.2"),
        qualified=True,
        source="Regler",
    )
    return Tree(
        start="kontakt",
        contacts={"regler/video": video},
        steps={
            "kontakt": Step(
                slug="kontakt",
                question="Hur skedde kontakten?",
                options=[
                    Option(slug="mottagning", label="Mottagningsbesök", next="metod"),
                    Option(
                        slug="video",
                        label="Video",
                        next="metod",
                        codes=[code("ZV051", "tilläggskod")],
                        contact="regler/video",
                    ),
                    Option(
                        slug="recept",
                        label="Bara receptförnyelse",
                        no_code=True,
                        notes=[Note("Inte kvalificerad vård.")],
                    ),
                ],
            ),
            "metod": Step(
                slug="metod",
                question="Vilken metod?",
                options=[
                    Option(slug="kbt", label="KBT", next="medverkande", codes=[code("DU011")]),
                    Option(slug="annan", label="Annan", next="medverkande", codes=[code("DU009")]),
                ],
            ),
            "medverkande": Step(
                slug="medverkande",
                question="Vilka medverkade?",
                kind="multiple",
                optional=True,
                next="neuro",
                options=[
                    Option(slug="narstaende", label="Närstående", codes=[code("ZV504", "tilläggskod")]),
                    Option(slug="socialtjanst", label="Socialtjänst", codes=[code("ZV509", "tilläggskod")]),
                ],
            ),
            "neuro": Step(
                slug="neuro",
                question="Neuroteam?",
                options=[
                    Option(slug="ja", label="Ja", extra_points=Decimal("1.0"), extra_points_from="footnote:regler/**"),
                    Option(slug="nej", label="Nej"),
                ],
            ),
        },
    )


def test_walk_without_answers_asks_the_first_question():
    result = walk(tiny_tree(), [])
    assert result.current.slug == "kontakt" and not result.finished


def test_walk_collects_codes_with_main_code_first_and_contact_with_points():
    result = walk(tiny_tree(), ["video", "kbt", "socialtjanst+narstaende", "ja"])
    assert result.finished
    assert [c.code for c in result.suggestion.codes] == ["DU011", "ZV051", "ZV504", "ZV509"]
    assert result.suggestion.contact.patient_fee == "100 kr"
    assert result.suggestion.points == Decimal("2.2")


def test_multiple_answers_are_put_in_option_order_and_none_is_allowed_when_optional():
    result = walk(tiny_tree(), ["mottagning", "annan", "socialtjanst+narstaende"])
    assert result.answers[-1].segment == "narstaende+socialtjanst"
    result = walk(tiny_tree(), ["mottagning", "annan", "inga", "nej"])
    assert [c.code for c in result.suggestion.codes] == ["DU009"]


def test_explicit_no_code_outcome():
    result = walk(tiny_tree(), ["recept"])
    assert result.finished and result.suggestion.no_code and result.suggestion.codes == []
    assert result.suggestion.notes[0].text == "Inte kvalificerad vård."


@pytest.mark.parametrize(
    ("segments", "valid"),
    [
        (["finns-inte"], []),
        (["video", "psykoanalys"], ["video"]),
        (["recept", "extra"], ["recept"]),
        (["video", "kbt", "x+y"], ["video", "kbt"]),
    ],
)
def test_broken_links_say_where_the_walk_stopped_fitting(segments, valid):
    with pytest.raises(WalkError) as error:
        walk(tiny_tree(), segments)
    assert error.value.valid_path == valid
    assert error.value.message


def test_choose_turns_form_answers_into_a_segment():
    tree = tiny_tree()
    assert choose(tree.steps["medverkande"], ["socialtjanst", "narstaende"]) == "narstaende+socialtjanst"
    assert choose(tree.steps["medverkande"], []) == "inga"
    with pytest.raises(WalkError):
        choose(tree.steps["metod"], [])


def test_valid_tree_has_no_errors():
    assert validate(tiny_tree(), {"ZV051", "DU011", "DU009", "ZV504", "ZV509"}) == []


def test_unknown_code_dangling_step_and_cycle_are_reported():
    tree = tiny_tree()
    tree.steps["metod"].options[0].codes.append(code("QQ999"))
    assert any("QQ999" in e for e in validate(tree, {"ZV051", "DU011", "DU009", "ZV504", "ZV509"}))
    tree = tiny_tree()
    tree.steps["metod"].options[1].next = "saknas"
    assert any("saknas" in e for e in validate(tree, {"ZV051", "DU011", "DU009", "ZV504", "ZV509"}))
    tree = tiny_tree()
    tree.steps["neuro"].options[1].next = "kontakt"
    assert any("cirkel" in e for e in validate(tree, {"ZV051", "DU011", "DU009", "ZV504", "ZV509"}))


def test_a_start_step_that_does_not_exist_is_named_and_nothing_else_is_checked():
    tree = tiny_tree()
    tree.start = "borta"
    assert validate(tree, {"ZV051", "DU011", "DU009", "ZV504", "ZV509"}) == ["Startsteget ”borta” finns inte."]


def test_a_walk_that_ends_without_any_code_is_reported():
    tree = tiny_tree()
    tree.steps["metod"].options[1].codes = []
    errors = validate(tree, {"ZV051", "DU011", "DU009", "ZV504", "ZV509"})
    assert any("utan kod" in e and "metod/annan" in e for e in errors)


def test_unreachable_step_and_bad_quote_are_reported():
    tree = tiny_tree()
    tree.steps["gammal"] = Step(slug="gammal", question="?", options=[Option(slug="x", label="X", no_code=True)])
    assert any("gammal" in e and "nå" in e for e in validate(tree, {"ZV051", "DU011", "DU009", "ZV504", "ZV509"}))
    errors = validate(tiny_tree(), {"ZV051", "DU011", "DU009", "ZV504", "ZV509"}, quote_ok=lambda text, ref: False)
    assert any("ordagrant" in e for e in errors)


def test_a_single_choice_answer_sent_by_the_form_goes_on_to_its_step():
    tree = tiny_tree()
    assert choose(tree.steps["kontakt"], ["video"]) == "video"
    assert walk(tree, [choose(tree.steps["kontakt"], ["video"])]).current.slug == "metod"
    with pytest.raises(WalkError, match="Välj ett av svaren"):
        choose(tree.steps["kontakt"], ["video", "mottagning"])


def test_no_answer_on_a_required_multiple_choice_step_is_the_way_out_and_ends_without_a_code():
    tree = tiny_tree()
    tree.steps["medverkande"].optional = False
    result = walk(tree, ["mottagning", "kbt", "inga"])
    assert result.finished and result.answers[-1].way_out
    assert result.answers[-1].path == ["mottagning", "kbt", "inga"]
    with pytest.raises(WalkError, match="Välj minst ett av svaren"):
        choose(tree.steps["medverkande"], [])


def test_a_retired_code_is_left_out_with_a_note_and_the_answers_later_codes_stay():
    tree = tiny_tree()
    tree.steps["metod"].options[0].codes = [code("DU011"), code("DU009"), code("DU010")]
    tree.retired = {"DU009": "2025-12-31"}
    result = walk(tree, ["mottagning", "kbt", "inga", "nej"])
    assert [c.code for c in result.suggestion.codes] == ["DU011", "DU010"]
    assert [n.text for n in result.suggestion.notes] == [
        "DU009 har utgått (gällde till och med 2025-12-31) och föreslås inte."
    ]


def test_a_walk_that_gives_codes_is_never_flagged_as_no_code():
    result = walk(tiny_tree(), ["mottagning", "kbt", "inga", "nej"])
    assert result.finished and result.suggestion.no_code is False
    assert result.suggestion.contact is None and result.suggestion.extra_points is None
    assert result.suggestion.points is None


def test_extra_points_remember_the_rule_they_come_from():
    result = walk(tiny_tree(), ["video", "kbt", "inga", "ja"])
    assert result.suggestion.extra_points == Decimal("1.0")
    assert result.suggestion.extra_points_from == "footnote:regler/**"
    assert walk(tiny_tree(), ["video", "kbt", "inga", "nej"]).suggestion.extra_points_from == ""


KNOWN = {"ZV051", "DU011", "DU009", "ZV504", "ZV509"}


@pytest.mark.parametrize("bad_slug", ["inga", "Stor-Bokstav", "två ord", "-kant", ""])
def test_an_answer_slug_that_cannot_stand_in_a_link_is_refused_naming_step_and_answer(bad_slug):
    tree = tiny_tree()
    tree.steps["metod"].options[1].slug = bad_slug
    errors = validate(tree, KNOWN)
    assert any(e.startswith(f"Steget ”metod”, svaret ”{bad_slug}”: kortnamnet") for e in errors), errors


def test_a_step_slug_inga_is_refused():
    tree = tiny_tree()
    tree.steps["inga"] = tree.steps.pop("neuro")
    tree.steps["inga"].slug = "inga"
    tree.steps["medverkande"].next = "inga"
    assert any(e.startswith("Steget ”inga”: kortnamnet") for e in validate(tree, KNOWN))


def test_a_multiple_choice_step_with_a_missing_next_step_or_an_answer_with_its_own_next_is_refused():
    tree = tiny_tree()
    tree.steps["medverkande"].next = "saknas"
    assert "Steget ”medverkande”: nästa steg ”saknas” finns inte." in validate(tree, KNOWN)
    tree = tiny_tree()
    tree.steps["medverkande"].options[0].next = "neuro"
    assert (
        "Steget ”medverkande”, svaret ”narstaende”: svar på en flervalsfråga kan inte ha eget nästa steg "
        "(stegets nästa steg gäller)."
    ) in validate(tree, KNOWN)


def test_each_validation_message_names_its_step():
    tree = tiny_tree()
    tree.steps["metod"].question = " "
    tree.steps["metod"].options[0].label = ""
    tree.steps["metod"].options[0].codes = [SuggestedCode("DU011", "okänd", "Enligt regeln.", "")]
    tree.steps["metod"].options[1].codes = [SuggestedCode("DU009", "åtgärd", " ", "")]
    tree.steps["metod"].options.append(
        Option(slug="annan", label="Dubblett", next="medverkande", codes=[code("DU009")])
    )
    errors = validate(tree, KNOWN)
    assert "Steget ”metod”: frågan saknas." in errors
    assert "Steget ”metod”, svaret ”kbt”: texten saknas." in errors
    assert "Steget ”metod”, svaret ”annan”: finns två gånger." in errors
    assert any(e.startswith("Steget ”metod”, svaret ”kbt”: rollen ”okänd” för DU011") for e in errors)
    assert "Steget ”metod”, svaret ”annan”: DU009 saknar skäl (citat ur regeln)." in errors


def test_a_bad_answer_in_a_link_is_quoted_shortened_to_sixty_characters():
    long_slug = "x" * 100
    with pytest.raises(WalkError) as error:
        walk(tiny_tree(), [long_slug])
    assert error.value.message == f"Svaret ”{'x' * 60}” finns inte (längre) på frågan ”Hur skedde kontakten?”."
    with pytest.raises(WalkError) as error:
        walk(tiny_tree(), ["mottagning", "kbt", "narstaende+" + long_slug])
    assert error.value.message == f"Svaret ”{'x' * 60}” finns inte (längre) på frågan ”Vilka medverkade?”."


def test_a_link_with_more_answers_than_questions_says_the_guide_was_done():
    with pytest.raises(WalkError) as error:
        walk(tiny_tree(), ["recept", "mer"])
    assert error.value.message == "Länken har fler svar än frågor: guiden var redan klar."


def test_each_answer_remembers_its_step_and_the_path_up_to_it():
    result = walk(tiny_tree(), ["video", "kbt"])
    assert [a.step.slug for a in result.answers] == ["kontakt", "metod"]
    assert [a.path for a in result.answers] == [["video"], ["video", "kbt"]]
    assert result.suggestion is None and result.current.slug == "medverkande"


def test_form_errors_carry_an_empty_path_and_say_what_to_do():
    tree = tiny_tree()
    tree.steps["medverkande"].optional = False
    for step, message in (
        (tree.steps["kontakt"], "Välj ett av svaren."),
        (tree.steps["medverkande"], "Välj minst ett av svaren, eller ”Inget av dessa”."),
    ):
        with pytest.raises(WalkError) as error:
            choose(step, [])
        assert (error.value.message, error.value.valid_path) == (message, [])


def contact_only_tree() -> Tree:
    tree = tiny_tree()
    tree.start = "enbart"
    tree.steps["enbart"] = Step(
        slug="enbart",
        question="Bara kontakt?",
        options=[Option(slug="video", label="Video", contact="regler/video")],
    )
    return tree


def test_a_walk_that_ends_in_a_contact_type_without_codes_is_not_a_no_code_outcome():
    result = walk(contact_only_tree(), ["video"])
    assert result.finished and result.suggestion.codes == []
    assert result.suggestion.contact.ref == "regler/video"
    assert result.suggestion.no_code is False


def test_codes_with_a_role_outside_the_known_ones_come_last():
    tree = tiny_tree()
    tree.steps["metod"].options[0].codes = [SuggestedCode("XX001", "annat", "Enligt regeln.", ""), code("DU011")]
    result = walk(tree, ["video", "kbt", "inga", "nej"])
    assert [c.code for c in result.suggestion.codes] == ["DU011", "ZV051", "XX001"]


def dead_end_tree(count: int) -> Tree:
    """A start step with ``count`` answers that each end without any code."""
    return Tree(
        start="start",
        steps={
            "start": Step(
                slug="start",
                question="Vad?",
                options=[Option(slug=f"svar-{i}", label=f"Svar {i}") for i in range(count)],
            )
        },
    )


def test_dead_ends_are_reported_five_at_most():
    errors = validate(dead_end_tree(7), set())
    assert errors == [
        f"En väg slutar utan kod, kontakttyp eller uttryckligt ”ingen kod”: start/svar-{i}." for i in range(5)
    ]
    assert len(validate(dead_end_tree(2), set())) == 2


def test_skipping_an_optional_multiple_choice_step_goes_on_to_its_next_step_when_looking_for_dead_ends():
    tree = Tree(
        start="vilka",
        steps={
            "vilka": Step(
                slug="vilka",
                question="Vilka?",
                kind="multiple",
                optional=True,
                next="metod",
                options=[Option(slug="tolk", label="Tolk")],
            ),
            "metod": Step(
                slug="metod", question="Metod?", options=[Option(slug="kbt", label="KBT", codes=[code("DU011")])]
            ),
        },
    )
    assert validate(tree, {"DU011"}) == []


def test_optional_means_nothing_on_a_single_choice_step():
    tree = tiny_tree()
    tree.steps["metod"].optional = True
    assert validate(tree, KNOWN) == []


def test_wrong_kind_and_a_step_without_answers_are_named():
    tree = tiny_tree()
    tree.steps["neuro"].kind = "många"
    tree.steps["metod"].options = []
    errors = validate(tree, KNOWN)
    assert "Steget ”neuro”: slaget måste vara single eller multiple." in errors
    assert "Steget ”metod”: har inga svar att välja." in errors


def test_quotes_are_checked_against_the_text_they_name():
    checked = []

    def quote_ok(text, ref):
        checked.append((text, ref))
        return ref != "entry:lista/DU009/anvisning"

    tree = tiny_tree()
    tree.steps["kontakt"].options[2].notes = [Note("Inte kvalificerad vård.", quote_from="part:regler/kvalificerad")]
    errors = validate(tree, KNOWN, quote_ok=quote_ok)
    assert ("Enligt regeln.", "entry:lista/DU011/anvisning") in checked
    assert ("Inte kvalificerad vård.", "part:regler/kvalificerad") in checked
    assert errors == [
        "Steget ”metod”, svaret ”annan”: skälet för DU009 står inte ordagrant i entry:lista/DU009/anvisning."
    ]


def test_a_reason_without_a_source_and_a_misquoting_note_are_named():
    tree = tiny_tree()
    tree.steps["metod"].options[0].codes = [SuggestedCode("DU011", "huvudåtgärd", "Enligt regeln.", "")]
    tree.steps["kontakt"].options[2].notes = [Note("Påhittat.", quote_from="part:regler/kvalificerad")]
    errors = validate(tree, KNOWN, quote_ok=lambda text, ref: text != "Påhittat." and bool(ref))
    assert errors == [
        "Steget ”kontakt”, svaret ”recept”: anteckningen står inte ordagrant i part:regler/kvalificerad.",
        "Steget ”metod”, svaret ”kbt”: skälet för DU011 står inte ordagrant i (ingen källa angiven).",
    ]


def test_an_unknown_contact_type_is_named_and_a_known_one_passes():
    tree = tiny_tree()
    assert validate(tree, KNOWN, contact_refs={"regler/video"}) == []
    errors = validate(tree, KNOWN, contact_refs={"regler/telefon"})
    assert errors == ["Steget ”kontakt”, svaret ”video”: kontakttypen ”regler/video” finns inte."]


def test_a_cycle_is_named_step_by_step():
    tree = tiny_tree()
    tree.steps["neuro"].options[1].next = "metod"
    assert "Trädet går i cirkel: metod → medverkande → neuro → metod." in validate(tree, KNOWN)


def test_a_single_choice_step_takes_exactly_one_answer_from_a_link():
    for segment in ("video+mottagning", "inga"):
        with pytest.raises(WalkError) as error:
            walk(tiny_tree(), [segment])
        assert error.value.message == f"Svaret ”{segment}” finns inte (längre) på frågan ”Hur skedde kontakten?”."


def test_an_unknown_role_is_named_with_the_roles_allowed():
    tree = tiny_tree()
    tree.steps["metod"].options[0].codes = [SuggestedCode("DU011", "okänd", "Enligt regeln.", "")]
    assert validate(tree, KNOWN) == [
        "Steget ”metod”, svaret ”kbt”: rollen ”okänd” för DU011 ska vara en av huvudåtgärd, åtgärd, tilläggskod, reservkod."
    ]


def test_a_dead_end_over_several_steps_is_shown_as_the_whole_walk():
    tree = tiny_tree()
    tree.steps["metod"].options[1].codes = []
    tree.steps["kontakt"].options = tree.steps["kontakt"].options[:1]
    errors = validate(tree, KNOWN)
    assert errors[0] == (
        "En väg slutar utan kod, kontakttyp eller uttryckligt ”ingen kod”: "
        "kontakt/mottagning → metod/annan → medverkande/inga → neuro/ja."
    )


def test_a_suggestion_before_any_answer_is_empty_and_not_an_explicit_no_code():
    from catalog.visits.wizard import suggest

    empty = suggest(tiny_tree(), [])
    assert empty.codes == [] and empty.no_code is False


def test_path_conditions_offer_an_answer_only_where_it_applies():
    from catalog.visits.wizard import available

    tree = tiny_tree()
    tree.steps["metod"].options[1].unless = ["kontakt/video"]
    tree.steps["metod"].options[0].when = ["kontakt/video"]
    after_video = walk(tree, ["video"])
    assert [o.slug for o in available(after_video.current, after_video.answers)] == ["kbt"]
    after_visit = walk(tree, ["mottagning"])
    assert [o.slug for o in available(after_visit.current, after_visit.answers)] == ["annan"]
    with pytest.raises(WalkError):
        walk(tree, ["video", "annan"])


def test_an_implied_answer_is_taken_without_asking_and_adds_no_address_segment():
    tree = tiny_tree()
    tree.steps["neuro"].options[0].when = ["medverkande/narstaende"]
    tree.steps["neuro"].options[0].implied = True
    result = walk(tree, ["video", "kbt", "narstaende"])
    assert result.finished and result.answers[-1].implied and result.answers[-1].path == ["video", "kbt", "narstaende"]
    assert result.suggestion.points == Decimal("2.2")
    assert not walk(tree, ["video", "kbt", "inga"]).finished  # not implied: asked


def test_way_out_ends_the_walk_with_no_code_and_the_steps_text():
    tree = tiny_tree()
    tree.steps["metod"].way_out = "Registrera enligt enhetens rutin."
    result = walk(tree, ["mottagning", "inget-passar"])
    assert result.finished and result.suggestion.no_code and result.suggestion.incomplete
    assert result.suggestion.way_out.step.slug == "metod"


def test_only_add_on_codes_make_the_suggestion_incomplete():
    assert walk(tiny_tree(), ["video", "kbt", "inga", "nej"]).suggestion.incomplete is False
    tree = tiny_tree()
    tree.steps["metod"].options[0].codes = []
    tree.steps["metod"].options[0].no_code = True
    assert walk(tree, ["video", "kbt", "inga", "nej"]).suggestion.incomplete is True


def test_remaining_at_most_counts_the_longest_way_to_the_end():
    from catalog.visits.wizard import remaining_at_most

    tree = tiny_tree()
    assert remaining_at_most(tree, "kontakt") == 4
    assert remaining_at_most(tree, "neuro") == 1


def test_the_way_out_sent_by_the_form_is_kept_on_a_single_choice_step_only():
    tree = tiny_tree()
    assert choose(tree.steps["kontakt"], ["inget-passar"]) == "inget-passar"
    # A multiple-choice step's way out is "inga": "inget-passar" there is no answer at all.
    assert choose(tree.steps["medverkande"], ["inget-passar"]) == "inga"
    tree.steps["medverkande"].optional = False
    with pytest.raises(WalkError, match="Välj minst ett av svaren"):
        choose(tree.steps["medverkande"], ["inget-passar"])


def test_the_way_out_is_an_answer_in_the_address_and_nothing_may_follow_it():
    result = walk(tiny_tree(), ["mottagning", "inget-passar"])
    assert result.answers[-1].segment == "inget-passar" and result.answers[-1].step.slug == "metod"
    assert result.answers[-1].path == ["mottagning", "inget-passar"]
    with pytest.raises(WalkError) as error:
        walk(tiny_tree(), ["mottagning", "inget-passar", "kbt"])
    assert error.value.valid_path == ["mottagning", "inget-passar"]


def implied_method_tree() -> Tree:
    """After a video contact the method is implied (KBT), and the walk goes on from it."""
    tree = tiny_tree()
    tree.steps["metod"].options[0].when = ["kontakt/video"]
    tree.steps["metod"].options[0].implied = True
    return tree


def test_an_implied_answer_in_the_middle_goes_on_to_its_own_next_step():
    result = walk(implied_method_tree(), ["video"])
    implied = result.answers[-1]
    assert (implied.step.slug, implied.segment, implied.implied) == ("metod", "kbt", True)
    assert [o.slug for o in implied.chosen] == ["kbt"]
    assert result.current.slug == "medverkande"
    finished = walk(implied_method_tree(), ["video", "narstaende", "nej"])
    assert finished.finished and [c.code for c in finished.suggestion.codes] == ["DU011", "ZV051", "ZV504"]
    # Without the condition met it is asked as usual.
    assert walk(implied_method_tree(), ["mottagning"]).current.slug == "metod"


def test_an_old_link_that_still_names_an_implied_answer_skips_it_and_goes_on():
    result = walk(implied_method_tree(), ["video", "kbt", "narstaende", "nej"])
    assert result.finished
    assert [a.segment for a in result.answers] == ["video", "kbt", "narstaende", "nej"]
    assert result.answers[-1].path == ["video", "narstaende", "nej"]
    tree = tiny_tree()
    tree.steps["neuro"].options[1].when = ["medverkande/narstaende"]
    tree.steps["neuro"].options[1].implied = True
    assert walk(tree, ["video", "kbt", "narstaende", "nej"]).finished


def test_an_implied_answer_needs_a_condition():
    tree = tiny_tree()
    tree.steps["neuro"].options[0].implied = True
    assert validate(tree, KNOWN) == ["Steget ”neuro”, svaret ”ja”: ett underförstått svar behöver ett villkor (when)."]
    tree.steps["neuro"].options[0].when = ["medverkande/narstaende"]
    assert validate(tree, KNOWN) == []


def test_a_reserved_answer_slug_is_refused_with_the_whole_rule():
    tree = tiny_tree()
    tree.steps["metod"].options[1].slug = "inget-passar"
    assert (
        "Steget ”metod”, svaret ”inget-passar”: kortnamnet får bara ha små bokstäver a–z, siffror och bindestreck "
        "(och inte vara ”inga” eller ”inget-passar”)."
    ) in validate(tree, KNOWN)


def test_remaining_at_most_is_zero_for_a_step_the_tree_no_longer_has():
    from catalog.visits.wizard import remaining_at_most

    assert remaining_at_most(tiny_tree(), "borttagen") == 0
    assert remaining_at_most(tiny_tree(), None) == 0


def test_remaining_at_most_counts_each_step_once_even_in_a_cycle_validate_would_refuse():
    from catalog.visits.wizard import remaining_at_most

    tree = tiny_tree()
    tree.steps["neuro"].options[1].next = "metod"  # metod → medverkande → neuro → metod
    assert remaining_at_most(tree, "metod") == 3
    assert remaining_at_most(tree, "kontakt") == 4


def test_a_step_finds_its_answer_by_slug_and_nothing_for_an_unknown_one():
    step = tiny_tree().steps["metod"]
    assert step.option("annan").label == "Annan"
    assert step.option("kbt").label == "KBT"
    assert step.option("saknas") is None


def test_the_way_out_shows_the_steps_own_text_or_the_general_one():
    from catalog.visits.wizard import DEFAULT_WAY_OUT, way_out_text

    step = tiny_tree().steps["metod"]
    assert way_out_text(step) == DEFAULT_WAY_OUT
    step.way_out = "Registrera enligt enhetens rutin."
    assert way_out_text(step) == "Registrera enligt enhetens rutin."


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Telefon som ersätter besök (TB)", "TB"),
        ("23.Distanskontakt video", "23"),
        ("Kontakttyp 5: Gruppbesök", "5"),
        ("  7 . Hembesök", "7"),
        ("Besök med flera (M, T)", "M"),
        ("Besök (ÅV/annat)", "ÅV"),
        ("Besök (12)", None),
        ("Besök utan förkortning", None),
    ],
)
def test_the_contact_type_code_is_read_from_the_printed_row(printed, expected):
    from catalog.visits.wizard import contact_type_code

    assert contact_type_code(printed) == expected


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("100 kr", 100),
        (" 200kr ", 200),
        ("0", 0),
        ("Ingen patientavgift vid detta besök", 0),
        ("ingen patientavgift", 0),
        ("patientutgift ska tas ut", None),
        ("100 kr per besök", None),
    ],
)
def test_the_patient_fee_is_read_as_kronor_where_the_source_names_an_amount(printed, expected):
    from catalog.visits.wizard import fee_kronor

    assert fee_kronor(printed) == expected


def fallback_tree():
    """A telephone call: its own code is the fallback; one purpose has a code, one has none, one says no code."""
    tree = tiny_tree()
    tree.steps["kontakt"].options.append(
        Option(slug="telefon", label="Telefon", next="syfte", codes=[code("XS012", "reservkod")])
    )
    tree.steps["syfte"] = Step(
        slug="syfte",
        question="Vad gällde samtalet?",
        options=[
            Option(slug="kbt", label="KBT", codes=[code("DU011")]),
            Option(slug="tolk", label="Med tolk", codes=[code("ZV020", "tilläggskod")]),
            Option(slug="forelasning", label="Föreläsning", no_code=True),
            Option(slug="eget", label="Enhetens kod", unit_code="Välj koden ur enhetens lista."),
        ],
    )
    return tree


def test_a_fallback_code_stands_in_only_where_no_other_main_code_is_given():
    tree = fallback_tree()
    assert [c.code for c in walk(tree, ["telefon", "kbt"]).suggestion.codes] == ["DU011"]
    with_addon = walk(tree, ["telefon", "tolk"]).suggestion
    assert [(c.code, c.role) for c in with_addon.codes] == [("XS012", "huvudåtgärd"), ("ZV020", "tilläggskod")]
    assert with_addon.fallback and not with_addon.incomplete
    assert walk(tree, ["telefon", "forelasning"]).suggestion.codes == []


def test_the_way_out_keeps_the_fallback_code_and_says_so():
    suggestion = walk(fallback_tree(), ["telefon", "inget-passar"]).suggestion
    assert [c.code for c in suggestion.codes] == ["XS012"] and not suggestion.incomplete and not suggestion.no_code
    assert "sin egen kod" in wizard.way_out_result_text(suggestion)
    plain = walk(tiny_tree(), ["mottagning", "inget-passar"]).suggestion
    assert plain.incomplete and wizard.way_out_result_text(plain) == wizard.DEFAULT_WAY_OUT


def test_an_answer_naming_the_units_own_code_ends_the_walk_incomplete_and_is_no_dead_end():
    tree = fallback_tree()
    suggestion = walk(tree, ["telefon", "eget"]).suggestion
    assert suggestion.incomplete and suggestion.codes == [] and not suggestion.no_code
    assert suggestion.unit_code == "Välj koden ur enhetens lista."
    assert validate(tree, KNOWN | {"XS012", "ZV020"}) == []
