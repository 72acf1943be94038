"""The book as a PDF per language (`make pdf`, bookbuild/pdf.py), checked with poppler-utils.

Printed from the built site once per test session: each PDF exists, has many
pages, an outline (bookmarks) and a table of contents whose page numbers are
where the chapters start, a page number in every page's footer, only embedded
fonts, Hangul text in the Korean book, every chapter title of the site's
navigation, and typeset (not raw TeX) equations. The home pages link the PDFs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time

import pytest
from bs4 import BeautifulSoup

from bookbuild import pdf as bookpdf

LANGS = {"ko": "", "en": "en/"}
PDFS = {"ko": "pdf/rnnbook-ko.pdf", "en": "pdf/rnnbook-en.pdf"}


@pytest.fixture(scope="module")
def printed(built_site):
    for tool in ("pdftotext", "pdffonts", "pdfinfo", "pdftohtml"):
        assert shutil.which(tool), f"{tool} is missing: run `make system-deps` (poppler-utils)"
    began = time.perf_counter()
    assert bookpdf.main([str(built_site)]) == 0
    print(f"both PDFs printed in {time.perf_counter() - began:.1f} s")
    return {lang: built_site / LANGS[lang] / PDFS[lang] for lang in LANGS}


def run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def nav_titles(site, lang) -> list[str]:
    soup = BeautifulSoup((site / LANGS[lang] / "index.html").read_text("utf-8"), "html.parser")
    nav = soup.select_one(".md-nav--primary")
    return [" ".join(a.get_text().split()) for a in nav.select("a.md-nav__link[href]")
            if "#" not in a["href"]]


@pytest.mark.parametrize("lang", list(LANGS))
def test_pdf_has_pages_fonts_and_chapters(printed, built_site, lang):
    path = printed[lang]
    info = run("pdfinfo", str(path))
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    assert pages > 100, f"{path}: {pages} pages"
    print(f"{path.name}: {pages} pages, {path.stat().st_size / 1e6:.1f} MB")

    fonts = run("pdffonts", str(path)).splitlines()[2:]
    assert fonts, f"{path}: no fonts"
    not_embedded = [line for line in fonts if line.split()[-5] != "yes"]
    assert not not_embedded, f"{path}: fonts not embedded: {not_embedded[:3]}"

    text = run("pdftotext", "-layout", str(path), "-")
    flat = re.sub(r"\s+", "", text)
    for title in nav_titles(built_site, lang):
        assert re.sub(r"\s+", "", title) in flat, f"{path}: chapter {title!r} missing"
    if lang == "ko":
        assert len(re.findall("[가-힣]", text)) > 10000, "Hangul text missing"
    # equations are typeset by MathJax: no TeX source left in the text
    for raw in ("$$", "\\begin{", "\\frac{", "\\mathbf{"):
        assert raw not in text, f"{path}: raw TeX {raw!r} in the PDF"


@pytest.mark.parametrize("lang", list(LANGS))
def test_every_page_is_numbered(printed, lang):
    path = printed[lang]
    pages = run("pdftotext", "-layout", str(path), "-").split("\f")[:-1]
    total = len(pages)
    for number, page in enumerate(pages, start=1):
        last = [line for line in page.splitlines() if line.strip()][-1]
        assert f"{number} / {total}" in last, f"{path}: page {number} ends with {last!r}"


@pytest.mark.parametrize("lang", list(LANGS))
def test_outline_and_contents_lead_to_the_chapters(printed, built_site, lang):
    path = printed[lang]
    xml = run("pdftohtml", "-xml", "-i", "-q", "-stdout", str(path))
    outline = re.findall(r'<item page="(\d+)">([^<]*)</item>', xml)
    titles = nav_titles(built_site, lang)
    assert len(outline) >= len(titles), f"{path}: outline has {len(outline)} items"
    pages = run("pdftotext", "-layout", str(path), "-").split("\f")
    contents = "\n".join(pages[1:8])
    for title in titles[1:]:
        # the contents line: the title, then the page its chapter starts on
        line = re.search(re.escape(title) + r"\s+(\d+)\s*$", contents, re.M)
        assert line, f"{path}: contents line for {title!r} missing"
        first = pages[int(line[1]) - 1]
        heading = [row for row in first.splitlines() if row.strip()][0]
        assert " ".join(heading.split()).startswith(title), \
            f"{path}: contents say {title!r} starts on page {line[1]}, which starts {heading!r}"


@pytest.mark.parametrize("lang", list(LANGS))
def test_home_page_links_pdf_and_wheel(printed, built_site, lang):
    home = (built_site / LANGS[lang] / "index.html").read_text("utf-8")
    assert f'href="{PDFS[lang]}"' in home
    wheel = re.search(r'href="((?:\.\./)?assets/pyodide/(rnnbook-[^"]+\.whl))"', home)
    assert wheel, "the home page does not link the rnnbook wheel"
    assert (built_site / LANGS[lang] / wheel[1]).resolve().is_file()
    # the one command that installs the wheel from the site (the page also
    # shows `pip install -e` for a clone)
    text = BeautifulSoup(home, "html.parser").get_text()
    commands = re.findall(r"pip install (\S+\.whl)", text)
    assert commands and all(c.endswith("/assets/pyodide/" + wheel[2]) for c in commands), \
        commands
