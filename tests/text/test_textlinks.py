from catalog.text import textlinks


def url_for(code: str) -> str:
    return f"/kod/{code}/"


def test_codes_in_finds_codes_and_ranges_once_in_order():
    text = "Koda AU120 med XS007 och ZV509; multiplicitetskoder ZX102-130 och ZX602-630 ska inte användas. AU120 igen."
    assert textlinks.codes_in(text) == ["AU120", "XS007", "ZV509", "ZX102", "ZX602"]


def test_codes_in_ignores_things_that_only_look_like_codes():
    text = "HSLF-FS 2017:37, ICF d840 - d859, HCR-20, RS 2024-00668, 7a§ LPT och WAIS."
    assert textlinks.codes_in(text) == []


def test_known_code_becomes_link_and_unknown_code_is_marked_outside():
    html = textlinks.link_codes("används även koden ZV229 och AU120", {"AU120"}, url_for)
    assert '<a class="kod" href="/kod/AU120/">AU120</a>' in html
    assert '<span class="kod-utanfor"' in html and "ZV229" in html
    assert 'href="/kod/ZV229/"' not in html


def test_range_is_one_outside_reference_never_a_link():
    html = textlinks.link_codes("(ZX102-130 och ZX602-630)", {"ZX102"}, url_for)
    assert "href" not in html
    assert html.count('class="kod-utanfor"') == 2
    assert "ZX102-130" in html


def test_text_is_escaped():
    html = textlinks.link_codes('<script>alert("x")</script> AU118', {"AU118"}, url_for)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_paragraphs_split_on_blank_lines_and_keep_line_breaks():
    html = textlinks.paragraphs(textlinks.link_codes("Rad ett\n-punkt\n\nNytt stycke", set(), url_for))
    assert html == "<p>Rad ett<br>-punkt</p><p>Nytt stycke</p>"


def test_normalize_code_accepts_any_case_and_spaces_only_for_real_codes():
    assert textlinks.normalize_code("au 118") == "AU118"
    assert textlinks.normalize_code("AU1180") is None
    assert textlinks.normalize_code("'; DROP TABLE") is None
