"""A chapter prints as a chapter (the print rules of docs/assets/extra.css).

With the print style sheet applied (Chromium's print emulation, at the width
of an A4 page), a chapter shows no header, navigation, footer, search, copy
or Run buttons; no code block or equation is wider than the page (code
wraps); every equation, figure and code block is kept whole on one page. One
chapter of each language is also printed to PDF under test-artifacts/print/
for people to look at (`pdftoppm -png` shows its pages).
"""

from __future__ import annotations

import re

import pytest

from test_browser import (  # noqa: F401 - browser, playwright and site_url are fixtures
    LANGS, ROOT, browser, playwright, settle, site_url,
)

A4_AT_96_DPI = {"width": 794, "height": 1123}
PAGES = ["lstm/", "bptt/", "api/layers/", "performance/"]  # equations, code, long source, tables
PDFS = ROOT / "test-artifacts" / "print"

# What the printed page shows that it should not, and what does not fit.
PRINT_STATE_JS = """
() => {
  const visible = (el) => getComputedStyle(el).display !== "none" && el.getClientRects().length > 0;
  const out = {shown: [], wide: [], split: [], checked: {code: 0, math: 0}};
  for (const sel of [".md-header", ".md-sidebar", ".md-footer", ".md-search",
                     ".md-code__nav", ".rb-bar", ".md-top"])
    if (Array.from(document.querySelectorAll(sel)).some(visible)) out.shown.push(sel);
  const page = document.querySelector("article").getBoundingClientRect().width;
  const name = (el) => el.textContent.trim().replace(/\\s+/g, " ").slice(0, 60);
  for (const code of document.querySelectorAll(".md-typeset pre > code")) {
    if (!visible(code)) continue;
    out.checked.code++;
    if (code.scrollWidth > code.clientWidth + 1) out.wide.push("code: " + name(code));
  }
  for (const eq of document.querySelectorAll(".md-typeset div.arithmatex")) {
    if (!visible(eq)) continue;
    out.checked.math++;
    if (eq.getBoundingClientRect().width > page + 1 || eq.scrollWidth > eq.clientWidth + 1)
      out.wide.push("equation: " + name(eq));
  }
  const whole = ".md-typeset div.arithmatex, .md-typeset .highlight, .md-typeset .rnnbook-figure";
  for (const el of document.querySelectorAll(whole))
    if (visible(el) && getComputedStyle(el).breakInside !== "avoid")
      out.split.push(`${el.className}: ${name(el)}`);
  return out;
}
"""


@pytest.fixture(scope="module")
def print_page(browser):  # noqa: F811 - a fixture's value
    page = browser.new_page(viewport=A4_AT_96_DPI)
    yield page
    page.close()


@pytest.mark.parametrize("lang", list(LANGS))
@pytest.mark.parametrize("path", PAGES)
def test_chapter_prints_whole(print_page, site_url, lang, path):  # noqa: F811
    print_page.emulate_media(media="screen")
    print_page.goto(site_url + LANGS[lang] + path)
    settle(print_page)
    print_page.emulate_media(media="print")
    state = print_page.evaluate(PRINT_STATE_JS)
    where = f"{lang}/{path}"
    assert state["shown"] == [], f"{where} prints {state['shown']}"
    assert state["wide"] == [], f"{where}: wider than the printed page: {state['wide'][:5]}"
    assert state["split"] == [], f"{where}: may split across pages: {state['split'][:5]}"
    assert state["checked"]["code"] + state["checked"]["math"] > 0, where


@pytest.mark.parametrize("lang", list(LANGS))
def test_chapter_prints_to_pdf(print_page, site_url, lang):  # noqa: F811
    print_page.emulate_media(media="screen")
    print_page.goto(site_url + LANGS[lang] + "lstm/")
    settle(print_page)
    PDFS.mkdir(parents=True, exist_ok=True)
    target = PDFS / f"{lang}-lstm.pdf"
    data = print_page.pdf(path=str(target), format="A4")
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert data.startswith(b"%PDF") and pages > 3, f"{target}: {pages} pages"
