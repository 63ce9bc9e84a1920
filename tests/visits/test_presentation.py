"""Presentation mode in the wizard: kept through every step, progress, and the step as a QR code."""

import re

import pytest
import segno

from catalog.visits import store as wizard_store
from catalog.visits import wizard
from catalog.visits.wizard import Option, Step, Tree

pytestmark = pytest.mark.django_db


def test_remaining_at_most_counts_the_longest_way_to_the_end():
    tree = Tree(
        start="a",
        steps={
            "a": Step("a", "A?", options=[Option("kort", "Kort"), Option("lang", "Lång", next="b")]),
            "b": Step("b", "B?", kind="multiple", next="c", options=[Option("x", "X")]),
            "c": Step("c", "C?", options=[Option("slut", "Slut")]),
        },
    )
    assert [wizard.remaining_at_most(tree, slug) for slug in ("a", "b", "c", None)] == [3, 2, 1, 0]


def test_every_step_says_question_n_of_at_most_m(client):
    tree = wizard_store.current_tree()
    html = client.get("/besok/").content.decode()
    assert f"Fråga 1 av högst {wizard.remaining_at_most(tree, tree.start)}" in html
    first = tree.steps[tree.start].options[0]
    html = client.get(f"/besok/{first.slug}/").content.decode()
    assert f"Fråga 2 av högst {1 + wizard.remaining_at_most(tree, first.next)}" in html


def test_presentation_mode_hides_header_and_menu_and_is_kept_through_every_step(client):
    response = client.get("/besok/?projektor=1")
    html = response.content.decode()
    assert '<body class="projektor">' in html
    assert 'class="sidhuvud"' not in html and "Huvudmeny" not in html
    for _, url in response.context["options"]:
        assert url.endswith("?projektor=1")
    step = client.get(response.context["options"][0][1])
    assert '<body class="projektor">' in step.content.decode()
    assert 'class="val__siffra" aria-hidden="true">1<' in step.content.decode()
    # Without the parameter the ordinary page comes back, with its header.
    assert 'class="sidhuvud"' in client.get("/besok/").content.decode()


def test_a_multiple_choice_answer_keeps_presentation_mode(client):
    tree = wizard_store.current_tree()
    path, walk = [], wizard.walk(tree, [])
    while walk.current is not None and walk.current.kind != "multiple":
        path.append(walk.current.options[0].slug)
        walk = wizard.walk(tree, path)
    url = "/besok/" + "".join(f"{s}/" for s in path)
    html = client.get(url + "?projektor=1").content.decode()
    assert '<input type="hidden" name="projektor" value="1">' in html
    response = client.get(url, {"steg": walk.current.slug, "val": walk.current.options[0].slug, "projektor": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/?projektor=1")


def qr_matrix_from_svg(svg: str, border: int) -> list[list[bool]]:
    """Read segno's SVG path back into dark and light modules (a decoder for this drawing)."""
    width = int(re.search(r'width="(\d+)"', svg).group(1)) // 4 - 2 * border
    d = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    rows = [[False] * width for _ in range(width)]
    x = y = 0.0
    for command, numbers in re.findall(r"([Mmh])([-\d. ]+)", d.replace("-", " -")):
        values = [float(n) for n in numbers.split()]
        if command == "M":
            x, y = values
        elif command == "m":
            x, y = x + values[0], y + values[1]
        else:
            for column in range(int(x), int(x + values[0])):
                rows[int(y) - border][column - border] = True
            x += values[0]
    return rows


def test_the_qr_code_holds_the_steps_address(client):
    tree = wizard_store.current_tree()
    first = tree.steps[tree.start].options[0].slug
    response = client.get(f"/besok/{first}/?projektor=1")
    html = response.content.decode()
    address = f"http://testserver/besok/{first}/"
    assert response.context["share_url"] == address
    assert f'data-kopiera="{address}"' in html
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    expected = [[bool(m) for m in row] for row in segno.make(address, error="m", micro=False).matrix]
    assert qr_matrix_from_svg(svg, border=2) == expected
    assert "style=" not in svg and "<script" not in svg
    assert "script-src 'self'" in response["Content-Security-Policy"]
