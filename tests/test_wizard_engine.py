"""The wizard engine on a tiny hand-built tree: walking, suggesting, validating."""

from decimal import Decimal

import pytest

from catalog.wizard import Contact, Note, Option, Step, SuggestedCode, Tree, WalkError, choose, validate, walk


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


def test_path_conditions_offer_an_answer_only_where_it_applies():
    from catalog.wizard import available

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
    from catalog.wizard import remaining_at_most

    tree = tiny_tree()
    assert remaining_at_most(tree, "kontakt") == 4
    assert remaining_at_most(tree, "neuro") == 1
