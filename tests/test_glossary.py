"""The glossary and the terms the book uses.

(a) No Korean page uses a variant the book avoids (in prose, headings, code and its
    comments), except inside an element with class "avoid" (where the glossary lists
    them, in its "avoid" and "aliases" tables). Most variants are plain strings; a word
    that also has a legitimate sense (쪽 in 오른쪽, 예제 for a worked example,
    `torch.autograd` in code) is matched by a precise pattern in PATTERNS.
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
         "경사 소실", "경사 폭발", "기울기소실", "포겟 게이트", "타임 스텝", "타임스텝",
         # second-tier terms (one form per concept, one spacing)
         "정방향", "사전 활성값", "중앙 차분", "모형", "쪽", "예제", "감성", "순환층",
         "맨 위층", "합성곱층", "레이아웃", r"\text{방향 수}", "인코더-디코더", "연습 문제",
         "autograd", "노름 기반", "넘침", "퍼플렉시티",
         # names from other books (the "aliases" table)
         "그래디언트", "기억 셀"]

HANGUL = "\uac00-\ud7a3"
# Variants that a plain substring would over-match, as precise patterns.
PATTERNS = {
    # 쪽 for a web page ("이 쪽은", "쪽에 보이는 출력", "같은 쪽으로"), not a side
    # ("오른쪽", "다른 쪽 입력", "소실 쪽으로", "어느 쪽인지") or a printed page ("25쪽")
    "쪽": re.compile(rf"(?<![{HANGUL}0-9])(?:(?:이|같은|각|다음|이전|이번|해당) 쪽"
                    rf"|(?<!\S)쪽(?=에 보이|에 나오|에서 보| 안|마다|의 (?:코드|출력|내용)))"),
    # 예제 for a data sample ("예제마다", "예제 수", "학습 예제"); a worked example
    # ("스칼라 예제", "\"hello\" 예제") is fine
    "예제": re.compile(r"예제\s*(?:마다|별|수\b|개\b)|(?:학습|훈련|데이터|배치의?|입력) 예제"
                     r"|\\text\{\s*예제"),
    # autograd as a word in prose or a comment; not `torch.autograd` in code, nor
    # the English term in brackets after the Korean one, 자동 미분(autograd)
    "autograd": re.compile(r"(?<![A-Za-z0-9_.`/(])autograd(?![A-Za-z0-9_`.(])"
                           r"|\(autograd(?!\))"),
}

# <span class="avoid">…</span> (any element with that class, no nesting)
EXEMPT = re.compile(r'<(\w+)[^>]*\bclass="avoid"[^>]*>.*?</\1>', re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def pages(lang):
    """Every page of one language, the API reference's pages in api/ included."""
    return sorted((DOCS / lang).rglob("*.md"))


def name(path):
    """The page's file below its language's folder: "rnn.md", "api/cells.md"."""
    return "/".join(path.relative_to(DOCS).parts[1:])


def chapters(lang):
    return {name(p): p.read_text(encoding="utf-8")
            for p in pages(lang) if name(p) != "glossary.md"}


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


def variants_in(text):
    """The avoided variants that `text` uses, outside class="avoid" elements,
    each with the line it occurs on."""
    text = EXEMPT.sub("", text)
    found = []
    for v in AVOID:
        pattern = PATTERNS.get(v, re.compile(re.escape(v)))
        for m in pattern.finditer(text):
            line = text[:m.start()].count("\n") + 1
            found.append((v, line))
    return found


@pytest.mark.parametrize("path", pages("ko"), ids=name)
def test_korean_pages_avoid_stray_variants(path):
    found = variants_in(path.read_text(encoding="utf-8"))
    assert not found, f"{name(path)} uses (variant, line) {found}; see glossary.md#avoid"


@pytest.mark.parametrize("text, caught", [
    ("이 쪽은 책의 표기를 정한다.", ["쪽"]),
    ("시드를 정하므로 쪽에 보이는 출력이 나온다.", ["쪽"]),
    ("오른쪽에서 곱하고, 다른 쪽 입력을 곱하며, 소실 쪽으로 기운다. 어느 쪽인지.", []),
    ("길이가 예제마다 다르다.", ["예제"]),
    ('스칼라 예제를 손으로 계산한다. "hello" 예제', []),
    ("PyTorch autograd와 비교한다. # autograd로 확인", ["autograd", "autograd"]),
    ("`torch.autograd`와 torch.autograd.grad(y, x), 자동 미분(autograd)과", []),
    ("(autograd로 확인)", ["autograd"]),
    ("순환층 두 개를 쌓고 맨 위층을 읽는다.", ["순환층", "맨 위층"]),
    ("순환 층 두 개를 쌓고 맨 위 층을 읽는다.", []),
    (r"$(L \cdot \text{방향 수}, B, H)$", [r"\text{방향 수}"]),
    ('<span class="avoid">정방향</span>은 쓰지 않고 순방향이라 쓴다.', []),
])
def test_variant_check_catches_variants(text, caught):
    assert [v for v, _ in variants_in(text)] == caught


def avoided_in_glossary(lang):
    """The texts of the class="avoid" elements in the rows of the glossary's
    "avoid" and "aliases" tables, in order."""
    text = (DOCS / lang / "glossary.md").read_text(encoding="utf-8")
    section = text[text.index("{#avoid}"):text.index("{#summary}")]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    return [re.sub(r"<[^>]+>", "", m.group(0))
            for row in rows for m in EXEMPT.finditer(row.split("|")[1])]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_avoided_variants_are_listed_in_the_glossary(lang):
    assert avoided_in_glossary(lang) == AVOID


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
