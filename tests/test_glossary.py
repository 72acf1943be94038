"""The glossary and the terms the book uses.

(a) No Korean page uses a variant the book avoids, except inside an element with
    class "avoid" (where the glossary lists them).
(b) Every glossary term appears in the chapters: its Korean form in a Korean
    page, its English form in an English page (the glossary itself excluded).
(c) The Korean and English glossaries have the same rows and link targets.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"

AVOID = ["숨겨진 상태", "히든 스테이트", "은닉상태", "셀스테이트", "망각게이트",
         "입력게이트", "출력게이트", "리셋게이트", "업데이트게이트", "그래디언트 소실",
         "경사 소실", "경사 폭발", "기울기소실", "포겟 게이트", "타임 스텝", "타임스텝"]

# <span class="avoid">…</span> (any element with that class, no nesting)
EXEMPT = re.compile(r'<(\w+)[^>]*\bclass="avoid"[^>]*>.*?</\1>', re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def pages(lang):
    return sorted((DOCS / lang).glob("*.md"))


def chapters(lang):
    return {p.name: p.read_text(encoding="utf-8")
            for p in pages(lang) if p.name != "glossary.md"}


def table_rows(lang, section_id):
    """Rows (cells) of the first table after the heading with `section_id`."""
    text = (DOCS / lang / "glossary.md").read_text(encoding="utf-8")
    start = text.index(f"{{#{section_id}}}")
    rows = []
    for line in text[start:].splitlines()[1:]:
        if line.startswith("## "):
            break
        if line.startswith("|") and not re.match(r"^\|[-|: ]+\|$", line):
            rows.append([c.strip() for c in line.strip("|").split("|")])
    return rows[1:]  # without the header row


def glossary_terms():
    """(Korean, English, link target) of each row of the Korean glossary."""
    return [(ko, en, LINK.search(where).group(1))
            for ko, en, where in table_rows("ko", "terms")]


def english_forms(term):
    """The English term, and its forms without or inside brackets.

    "weight sharing (parameter sharing)" -> that, "weight sharing",
    "parameter sharing"; "$...$" parts (e.g. "($g_t$)") are dropped.
    """
    term = re.sub(r"\s*\(\$[^)]*\$\)", "", term)
    forms = {term, re.sub(r"\s*\([^)]*\)", "", term)}
    forms |= {inner for inner in re.findall(r"\(([^)]{3,})\)", term)}
    return {" ".join(f.split()) for f in forms}


@pytest.mark.parametrize("path", pages("ko"), ids=lambda p: p.name)
def test_korean_pages_avoid_stray_variants(path):
    text = EXEMPT.sub("", path.read_text(encoding="utf-8"))
    found = [v for v in AVOID if v in text]
    assert not found, f"{path.name} uses {found}; see glossary.md#avoid"


def test_avoided_variants_are_listed_in_the_glossary():
    listed = [row[0] for row in table_rows("ko", "avoid")]
    assert [EXEMPT.search(cell) is not None for cell in listed] == [True] * len(AVOID)
    assert [re.sub(r"<[^>]+>", "", cell) for cell in listed] == AVOID


def test_exemption_is_narrow():
    text = 'ok <span class="avoid">은닉상태</span> but 은닉상태 here'
    assert "은닉상태" in EXEMPT.sub("", text)


def test_glossary_covers_the_style_guide():
    assert len(glossary_terms()) >= 66
    korean = {ko for ko, _, _ in glossary_terms()}
    for term in ["은닉 상태", "망각 게이트", "후보 은닉 상태", "잘린 BPTT", "복사 과제"]:
        assert term in korean


@pytest.mark.parametrize("row", glossary_terms(), ids=lambda r: r[0])
def test_terms_are_used_in_both_languages(row):
    ko, en, _ = row
    ko_pages = [n for n, t in chapters("ko").items() if ko in t]
    assert ko_pages, f"{ko!r} appears in no Korean chapter"
    forms = english_forms(en)
    en_pages = [n for n, t in chapters("en").items()
                if any(f.lower() in t.lower() for f in forms)]
    assert en_pages, f"none of {sorted(forms)} appears in an English chapter"


def test_both_glossaries_have_the_same_rows_and_targets():
    ko_rows, en_rows = table_rows("ko", "terms"), table_rows("en", "terms")
    assert len(ko_rows) == len(en_rows)
    ko_pairs = sorted((r[0], r[1], LINK.search(r[2]).group(1)) for r in ko_rows)
    # the English table is English | 한국어 | link
    en_pairs = sorted((r[1], r[0], LINK.search(r[2]).group(1)) for r in en_rows)
    assert ko_pairs == en_pairs


@pytest.mark.parametrize("row", glossary_terms(), ids=lambda r: r[0])
def test_links_point_to_existing_anchors_in_both_languages(row):
    target = row[2]
    page, _, anchor = target.partition("#")
    for lang in ["ko", "en"]:
        text = (DOCS / lang / page).read_text(encoding="utf-8")
        if anchor:
            assert f"{{#{anchor}}}" in text, f"docs/{lang}/{page} has no #{anchor}"
