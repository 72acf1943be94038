"""The accessibility check of the browser tests can fail.

test_browser.py runs axe-core on every page in the light and the dark theme
and fails on a serious or critical violation. Here a copy of a built page gets
faults that axe-core must report, under the theme that shows them: grey text
too light to read in the light theme, text too dark to read in the dark
theme only, and a scrolling box the keyboard cannot reach. The unchanged page
reports nothing.
"""

from __future__ import annotations

import pytest

from bookbuild.local_site import serve
from test_browser import (  # noqa: F401 - browser and playwright are fixtures
    VIEWPORT, a11y_problems, axe_violations, browser, playwright, settle,
)

FAULTS = (
    '<style>[data-md-color-scheme="slate"] .dark-fault { color: #2a2d38; }</style>'
    '<div class="md-typeset">'
    '<p style="color: #b0b0b0">Grey on white, 2.1:1.</p>'
    '<p class="dark-fault">Readable in the light theme, dark on dark in the other.</p>'
    '<div style="overflow-x: auto; width: 10em"><p style="width: 40em">A box that '
    "scrolls sideways and cannot take the focus.</p></div></div>")


@pytest.fixture(scope="module")
def fault_site(built_site, tmp_path_factory):
    """The built English home page as en/index.html, and with FAULTS at the
    end of its article as en/fault.html, served with the built assets."""
    root = tmp_path_factory.mktemp("a11y-fault")
    (root / "en").mkdir()
    (root / "assets").symlink_to(built_site / "assets")
    for name in ["assets", "search"]:
        (root / "en" / name).symlink_to(built_site / "en" / name)
    home = (built_site / "en" / "index.html").read_text(encoding="utf-8")
    assert home.count("</article>") == 1
    (root / "en" / "index.html").write_text(home, encoding="utf-8")
    (root / "en" / "fault.html").write_text(
        home.replace("</article>", FAULTS + "</article>"), encoding="utf-8")
    with serve(root) as url:
        yield url


def problems_of(browser, url: str) -> list[str]:  # noqa: F811 - a fixture's value
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(url)
        settle(page)
        return a11y_problems(axe_violations(page))
    finally:
        page.close()


def test_the_unchanged_page_passes(browser, fault_site):  # noqa: F811
    assert problems_of(browser, fault_site + "en/") == []


def test_faults_are_reported_under_their_theme(browser, fault_site):  # noqa: F811
    found = problems_of(browser, fault_site + "en/fault.html")
    text = "\n".join(found)
    light = [p for p in found if p.startswith("light: color-contrast")]
    dark = [p for p in found if p.startswith("dark: color-contrast")]
    assert light and "on 1 elements" in light[0], text  # the grey paragraph
    assert dark and "on 1 elements" in dark[0] and ".dark-fault" in dark[0], text
    assert "light: scrollable-region-focusable" in text, text
    assert "dark: scrollable-region-focusable" in text, text
