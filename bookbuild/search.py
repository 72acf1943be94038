"""Korean search that forgives spacing.

Korean readers often drop the space inside a compound: they type 망각게이트 for
망각 게이트, or 은닉상태 for 은닉 상태. Material's search splits the text on
spaces and matches each query word as a prefix, so 망각게이트 finds nothing.

After the search plugin has written the Korean index, `add_search_fields`
gives every section an extra field, `variants`, with the other spacing of each
glossary term the section uses, as often as it uses it and with the particle
that follows it ("망각 게이트는" -> "망각게이트는"). The query 망각게이트 then
finds, by prefix, the sections that write 망각 게이트; the reverse (a text
written without the space, a query with it) gets the spaced words. The field
is searched but never shown.

A second field, `english`, gives the section that explains a glossary term
(the glossary's link) the term's English name, so a reader who knows only
"forget gate" finds the Korean section on 망각 게이트 first. The English index
gets neither field.

Three kinds of text stay out of both languages' indexes, since no reader
searches for them and every page fetches the index: what the snippets print
(numbers), the MathML that screen readers read beside each equation, and the
API reference's source listings, whose docstrings are indexed already
(`leave_out_of_index`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

FIELD = "variants"
# as much weight as the text itself: a variant is the same word
FIELD_BOOST = 1.0
ENGLISH = "english"
# the section that explains the term: above its mentions, below titles (1000)
ENGLISH_BOOST = 100.0
HANGUL = "\uac00-\ud7a3"
_TAGS = re.compile(r"<[^>]+>")
_TABLE_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|", re.M)


# Material's search skips an element with this attribute, and what it holds
_EXCLUDE = "data-search-exclude"
_UNINDEXED = re.compile(
    r'<div class="language-text highlight"(?=>)'   # a snippet's printed output
    r'|<mjx-assistive-mml(?= )'                       # an equation's MathML
    r'|<details class="mkdocstrings-source"(?=>)')    # the API's source listings


def leave_out_of_index(html: str) -> str:
    """Mark snippet outputs, equations' MathML and API source listings so
    search does not index them.

    >>> leave_out_of_index('<div class="language-text highlight"><pre>0.5</pre></div>')
    '<div class="language-text highlight" data-search-exclude><pre>0.5</pre></div>'
    """
    return _UNINDEXED.sub(lambda m: f"{m[0]} {_EXCLUDE}", html)


def _term_table(glossary_md: str) -> str:
    """The glossary's term table: from its heading {#terms} to the next section."""
    start = glossary_md.index("{#terms}")
    end = glossary_md.find("\n## ", start)
    return glossary_md[start:end if end != -1 else None]


def glossary_terms(glossary_md: str) -> list[str]:
    """The Korean terms of the glossary's term table that contain a space.

    Args:
        glossary_md: the text of docs/ko/glossary.md.

    Returns:
        e.g. ["가중치 공유", "망각 게이트", ...], in the glossary's order.
    """
    cells = _TABLE_ROW.findall(_term_table(glossary_md))[1:]  # without the header row
    terms = [cell for cell in cells if not set(cell) <= set("-: ")]
    return [t for t in terms if " " in t and re.search(f"[{HANGUL}]", t)]


def english_names(glossary_md: str) -> dict[str, list[str]]:
    """The English name of each glossary term, by the section that explains it.

    Args:
        glossary_md: the text of docs/ko/glossary.md; each row of its term
            table is | Korean | English | [where it is explained](page.md#id) |.

    Returns:
        search-index location -> English names, e.g. {"lstm/#forget-gate":
        ["forget gate"], "gru/": ["gated recurrent unit GRU"], ...}, without
        parentheses.
    """
    names: dict[str, list[str]] = {}
    for row in _term_table(glossary_md).splitlines()[3:]:  # after the header and its rule
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        link = re.search(r"\]\(([\w-]+)\.md(#[\w-]+)?\)", cells[-1])
        if len(cells) >= 3 and link:
            page = "" if link[1] == "index" else link[1] + "/"
            name = " ".join(re.sub(r"[()]", " ", cells[1]).split())
            names.setdefault(page + (link[2] or ""), []).append(name)
    return names


def variants(text: str, terms: list[str]) -> list[str]:
    """The other spacing of each term in `text`, once per occurrence.

    A term written with spaces gives its joined form, a term written joined
    gives its spaced words; a Hangul suffix (a particle) stays attached.

    >>> variants("망각 게이트는 0과 1 사이다. 망각게이트", ["망각 게이트"])
    ['망각게이트는', '망각', '게이트']
    """
    found = []
    for term in terms:
        joined = term.replace(" ", "")
        spaced = r"\s+".join(map(re.escape, term.split()))
        for match in re.finditer(f"{spaced}([{HANGUL}]*)", text):
            found.append(joined + match.group(1))
        for match in re.finditer(f"(?<![{HANGUL}]){re.escape(joined)}", text):
            found.extend(term.split())
    return found


def add_search_fields(index: dict, terms: list[str],
                      names: dict[str, list[str]] | None = None) -> dict:
    """Add the `variants` and `english` fields to a Material search index (in place).

    Args:
        index: the parsed search/search_index.json ({"config", "docs"}).
        terms: glossary terms with a space (see `glossary_terms`).
        names: location -> English names (see `english_names`), or None.

    Returns:
        `index`, each doc with a "variants" string where it has any, and an
        "english" string where it explains a glossary term.
    """
    names = names or {}
    index["config"]["fields"][FIELD] = {"boost": FIELD_BOOST}
    index["config"]["fields"][ENGLISH] = {"boost": ENGLISH_BOOST}
    for doc in index["docs"]:
        text = _TAGS.sub(" ", doc.get("title", "") + " " + doc.get("text", ""))
        found = variants(text, terms)
        if found:
            doc[FIELD] = " ".join(found)
        if doc["location"] in names:
            doc[ENGLISH] = " ".join(names[doc["location"]])
    return index


def rewrite_index(site_dir: Path, glossary_md: Path) -> int:
    """Add spacing variants to site_dir/search/search_index.json.

    A site without a glossary (a small test site) has no terms to vary.

    Returns:
        How many sections got variants.
    """
    path = Path(site_dir) / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    glossary_md = Path(glossary_md)
    text = glossary_md.read_text(encoding="utf-8") if glossary_md.exists() else ""
    terms = glossary_terms(text) if text else []
    names = english_names(text) if text else {}
    add_search_fields(index, terms, names)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
    return sum(FIELD in doc for doc in index["docs"])
