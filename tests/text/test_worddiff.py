"""The word diff the history and the conflict message share (catalog/text/worddiff.py)."""

from catalog.text import worddiff

REMOVED = '<del><span class="visually-hidden">borttaget: </span>'
ADDED = '<ins><span class="visually-hidden">tillagt: </span>'


def test_removed_and_added_words_are_marked_and_said_for_screen_readers():
    assert (
        worddiff.html("Första ändringen.", "Andra ändringen.") == f"{REMOVED}Första</del> {ADDED}Andra</ins> ändringen."
    )


def test_the_whole_text_is_kept_without_context():
    before = " ".join(f"ord{i}" for i in range(40))
    after = before.replace("ord20", "nytt")
    shown = worddiff.html(before, after)
    assert "ord0 " in shown and "ord39" in shown and "…" not in shown


def test_with_context_long_unchanged_runs_are_cut_to_a_few_words_each_side():
    before = " ".join(f"ord{i}" for i in range(40))
    after = before.replace("ord20", "nytt")
    shown = worddiff.html(before, after, context=3)
    assert shown == f"… ord17 ord18 ord19 {REMOVED}ord20</del> {ADDED}nytt</ins> ord21 ord22 ord23 …"
    assert worddiff.is_trimmed(before, after, 3)


def test_a_short_text_is_not_trimmed():
    assert not worddiff.is_trimmed("a b c", "a x c", 3)
    assert worddiff.html("a b c", "a x c", context=3) == f"a {REMOVED}b</del> {ADDED}x</ins> c"


def test_text_is_escaped_and_line_breaks_kept():
    assert worddiff.html("<b>\nx", "<b>\ny") == f"{REMOVED}&lt;b&gt;<br>x</del> {ADDED}&lt;b&gt;<br>y</ins>"


def test_an_empty_side_gives_only_additions_or_removals():
    assert worddiff.html(None, "ny text") == f"{ADDED}ny text</ins>"
    assert worddiff.html("gammal", "") == f"{REMOVED}gammal</del>"


def test_a_change_of_spaces_alone_marks_nothing():
    assert worddiff.html("en  text", "en text") == "en text"
