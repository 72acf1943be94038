"""Figures in the dark theme: no white box on the dark page, text still readable.

A small site with two figures, one made the way the book's plots are (white
fill, black text, a legend) and one diagram, is built and opened in headless
Chromium with the reader's system asking for a dark theme and for a light one.
Each figure is photographed on its own and its pixels are counted, on screen
and, from the dark theme, as printed.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bookbuild.local_site import serve
from conftest import make_small_project, run_build
from test_browser import browser, playwright  # noqa: F401 - fixtures

PAGE = """# {title}

```python exec="on" html="1"
from bookbuild import bookfig
from matplotlib.patches import Circle

fig, ax = bookfig.figure(figsize=(5, 3))
ax.plot([0, 1, 2], [0, 1, 0], color="#3949ab", label=bookfig.tr("선", "line"))
ax.add_patch(Circle((1, 0.4), 0.3, fc="white", ec="black"))
ax.legend()
ax.set_title(bookfig.tr("그림", "figure"))
print(bookfig.html(fig, bookfig.tr("그림", "figure")))
```

```python exec="on" html="1"
from bookbuild import bookfig, diagrams

print(bookfig.html(diagrams.lstm_cell(), bookfig.tr("LSTM 셀", "the LSTM cell")))
```
"""
WHITE_BOX = ".md-typeset .rnnbook-figure svg { background: #fff }"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("theme")
    pages = {"index.md": (PAGE.format(title="그림 시험"), PAGE.format(title="Figure test"))}
    # the build's search step reads the glossary's term table
    g = "# 용어집\n\n## 용어 {#terms}\n\n| 한국어 | English |\n|---|---|\n| 망각 게이트 | forget gate |\n"
    pages["glossary.md"] = (g, g.replace("# 용어집", "# Glossary"))
    project = make_small_project(tmp / "project", pages)
    result = run_build(project, tmp / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(tmp / "out") as url:
        yield url


def figure_pixels(browser, url, scheme, css=None, media="screen"):  # noqa: F811 - the fixture
    """For each figure: (share of near-white pixels, share of near-black, of light ink)."""
    page = browser.new_page(color_scheme=scheme, viewport={"width": 1100, "height": 900})
    try:
        page.goto(url)
        if css:
            page.add_style_tag(content=css)
        page.emulate_media(media=media)
        scheme_on_body = page.evaluate("document.body.dataset.mdColorScheme")
        assert scheme_on_body == ("slate" if scheme == "dark" else "default")
        shares = []
        for figure in page.query_selector_all(".rnnbook-figure svg"):
            image = Image.open(io.BytesIO(figure.screenshot())).convert("L")
            counts = image.histogram()  # pixels per grey level 0..255
            total = sum(counts)
            shares.append((sum(counts[235:]) / total, sum(counts[:61]) / total,
                           sum(counts[180:]) / total))
        return shares
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["", "en/"])
def test_no_white_box_in_the_dark_theme(browser, site, lang):  # noqa: F811
    shares = figure_pixels(browser, site + lang, "dark")
    assert len(shares) == 2
    for i, (white, _, light) in enumerate(shares):
        assert white < 0.01, f"figure {i + 1}: {white:.0%} of it is white on the dark page"
        assert light > 0.005, f"figure {i + 1}: no light text or lines on the dark page"


def test_the_check_sees_a_white_box(browser, site):  # noqa: F811
    """The control: figures drawn on white, as before, fail the check above."""
    for white, _, _ in figure_pixels(browser, site, "dark", css=WHITE_BOX):
        assert white > 0.2


def test_dark_ink_in_the_light_theme(browser, site):  # noqa: F811
    for i, (_, black, _) in enumerate(figure_pixels(browser, site, "light")):
        assert black > 0.005, f"figure {i + 1}: no dark text or lines on the light page"


def test_a_dark_theme_printout_looks_like_the_light_theme(browser, site):  # noqa: F811
    """Printed from the dark theme, figures are black on white like the page:
    their pixels match the light theme's (dark colours would darken the pale
    fills: 43 % near-black instead of 1 % in the diagram)."""
    light = figure_pixels(browser, site, "light")
    printed = figure_pixels(browser, site, "dark", media="print")
    for i, (on_paper, on_screen) in enumerate(zip(printed, light)):
        assert all(abs(a - b) < 0.01 for a, b in zip(on_paper, on_screen)), \
            f"figure {i + 1}: printed {on_paper}, light theme {on_screen}"
