"""bookbuild.math: equations typeset at build time by one node process."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bookbuild import math  # noqa: E402

# what pymdownx.arithmatex (generic) writes
PAGE = ('<p>Inline <span class="arithmatex">\\(h_t &lt; 1\\)</span> and</p>\n'
        '<div class="arithmatex">\\[\nh_t = \\tanh(x_t W^\\top) \\quad \\text{은닉 상태}\n\\]</div>\n'
        '<p>again <span class="arithmatex">\\(h_t &lt; 1\\)</span></p>')


@pytest.fixture(scope="module")
def typesetter():
    t = math.Typesetter()
    yield t
    t.close()


def test_split_tex_unescapes_and_tells_display():
    assert math.split_tex("\\(a &lt; b\\)") == ("a < b", False)
    assert math.split_tex("\\[\n x &amp; y \n\\]") == ("x & y", True)
    assert math.split_tex("\\begin{align}a\\end{align}") == (
        "\\begin{align}a\\end{align}", True)


def test_every_equation_becomes_chtml_with_mathml(typesetter):
    out, errors = math.typeset_page(PAGE, typesetter)
    assert errors == []
    assert "\\(" not in out and "\\[" not in out
    boxes = re.findall(r'<(span|div) class="arithmatex"><mjx-container[^>]*jax="CHTML"', out)
    assert boxes == ["span", "div", "span"]  # arithmatex's wrappers stay, for the theme
    assert len(re.findall(r"<mjx-container [^>]*display=\"true\"", out)) == 1
    # assistive MathML for screen readers, with the text of \text{} and the <
    mml = re.findall(r"<mjx-assistive-mml[^>]*>(<math .*?</math>)</mjx-assistive-mml>", out)
    assert len(mml) == 3
    assert "<mtext>은닉 상태</mtext>" in mml[1] and "<mo>&lt;</mo>" in mml[0]
    assert out.count('aria-hidden="true"') == 3  # the CHTML itself is hidden from them


def test_errors_are_numbered_and_leave_the_tex(typesetter):
    page = PAGE + '<span class="arithmatex">\\(\\frac{1}{\\)</span>' \
                  '<span class="arithmatex">\\(\\nosuchmacro\\)</span>'
    out, errors = math.typeset_page(page, typesetter)
    assert errors == [
        "TeX error in equation 4 (\\frac{1}{): Missing close brace",
        "TeX error in equation 5 (\\nosuchmacro): Undefined control sequence \\nosuchmacro",
    ]
    assert '<span class="arithmatex">\\(\\nosuchmacro\\)</span>' in out
    assert out.count("<mjx-container") == 3


def test_a_page_without_math_is_left_alone(typesetter):
    assert math.typeset_page("<p>no math</p>", typesetter) == ("<p>no math</p>", [])


def test_the_stylesheet_uses_the_served_fonts(typesetter):
    math.typeset_page(PAGE, typesetter)
    css = typesetter.stylesheet()
    assert "mjx-container" in css and "@font-face" in css
    served = {uri for _, uri in math.font_files()}
    folder = math.STYLESHEET.rsplit("/", 1)[0]
    used = set(re.findall(r'url\("([^"]+)"\)', css))
    assert used and {f"{folder}/{u}" for u in used} <= served
    assert "//" not in "".join(used)  # nothing from another host


def test_the_stylesheet_is_linked_from_pages_with_math_only(typesetter):
    head = ('<head><link rel="stylesheet" href="../assets/stylesheets/main.css">'
            '<link rel="stylesheet" href="../assets/extra.css"></head>')
    page, _ = math.typeset_page(head + PAGE, typesetter)
    fonts = typesetter.fonts()
    linked = math.link_stylesheet(page, "lstm/", fonts)
    theme, ours, extra = (linked.index(s) for s in [
        "stylesheets/main.css", '"../assets/mathjax/chtml.css"', "assets/extra.css"])
    assert theme < ours < extra  # the book's own CSS may still adjust it
    assert '"assets/mathjax/chtml.css"' in math.link_stylesheet(page, "", fonts)
    assert math.link_stylesheet(head + "<p>x</p>", "lstm/", fonts) == head + "<p>x</p>"


def test_pages_preload_exactly_the_fonts_their_equations_use(typesetter):
    head = '<head><link rel="stylesheet" href="../assets/stylesheets/main.css"></head>'
    fonts = typesetter.fonts()
    css = typesetter.stylesheet()
    # every class the CHTML uses to choose a font is in the map, with files the
    # stylesheet names
    assert set(fonts) >= {"MJX-TEX", "TEX-I", "TEX-B", "TEX-S1", "TEX-A"}
    assert all(f'url("{file}")' in css for files in fonts.values() for file in files)

    def preloaded(tex):
        page, _ = math.typeset_page(head + f'<span class="arithmatex">\\({tex}\\)</span>',
                                    typesetter)
        linked = math.link_stylesheet(page, "lstm/", fonts)
        return re.findall(r'<link rel="preload" href="../assets/mathjax/woff-v2/MathJax_([\w-]+)'
                          r'\.woff" as="font" type="font/woff" crossorigin>', linked)

    # "1" is upright (Main), h is italic (Math-Italic), \mathbf bold, \mathbb AMS
    assert preloaded("1") == ["Zero", "Main-Regular"]
    assert preloaded("h + 1") == ["Zero", "Main-Regular", "Math-Italic"]
    assert preloaded(r"\mathbf{W} \in \mathbb{R}") == [
        "Zero", "Main-Regular", "Main-Bold", "AMS-Regular"]


def test_a_missing_node_says_how_to_install_it(monkeypatch):
    monkeypatch.setattr(math.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="apt-get install nodejs"):
        math.Typesetter()


def test_one_build_writes_one_stylesheet(tmp_path):
    math.start()
    try:
        math.typeset_page(PAGE, math.current())
        math.finish(tmp_path)
    finally:
        math.stop()
    assert "mjx-container" in (tmp_path / "assets/mathjax/chtml.css").read_text("utf-8")
    with pytest.raises(RuntimeError):
        math.current()
