"""Every page has its twin in the other language, with the same math and code.

`translation_problems(docs/ko, docs/en)` gives one message per page that has
no translation, or whose two versions differ in their equations or code
blocks. Comments in code and the text inside `\\text{}` may differ: they are
translated.
"""

from __future__ import annotations

import re
from pathlib import Path

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")
_TEXT = re.compile(r"\\(text|textrm|mbox)\{[^{}]*\}")


def split_code(markdown: str):
    """Split a page into (prose without code blocks, list of code blocks).

    A code block is (info string, code); comment lines and trailing `  #`
    comments are dropped from the code, so comments may be translated.

    >>> split_code("Text\\n```python\\nx = 1  # one\\n# note\\n```\\nMore")
    ('Text\\nMore', [('python', 'x = 1')])
    """
    prose, blocks, lines = [], [], markdown.splitlines()
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            prose.append(lines[i])
            i += 1
            continue
        closing = re.compile(rf"^[ \t]*{re.escape(m['fence'])}\s*$")
        body, i = [], i + 1
        while i < len(lines) and not closing.match(lines[i]):
            body.append(lines[i])
            i += 1
        i += 1
        code = [_strip_comment(line) for line in body]
        code = "\n".join(line for line in code if line.strip())
        blocks.append((m["info"].strip(), code))
    return "\n".join(prose), blocks


def _strip_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    return re.sub(r"\s{2,}#\s.*$", "", line).rstrip()


def equations(prose: str):
    """Display and inline equations, with the text inside \\text{} removed.

    >>> equations("$$ a \\\\text{x} $$ and $b$")
    ['a \\\\text{}', 'b']
    """
    found = _DISPLAY_MATH.findall(prose)
    rest = _DISPLAY_MATH.sub(" ", prose)
    found += _INLINE_MATH.findall(rest)
    return [" ".join(_TEXT.sub(r"\\\1{}", eq).split()) for eq in found]


def translation_problems(ko_dir: Path, en_dir: Path):
    """Messages for pages missing a translation or differing in math/code."""
    ko = {p.relative_to(ko_dir).as_posix() for p in ko_dir.rglob("*.md")}
    en = {p.relative_to(en_dir).as_posix() for p in en_dir.rglob("*.md")}
    for name in sorted(ko - en):
        yield f"docs/ko/{name} has no English translation (docs/en/{name})"
    for name in sorted(en - ko):
        yield f"docs/en/{name} has no Korean translation (docs/ko/{name})"
    for name in sorted(ko & en):
        yield from _page_differences(name, ko_dir / name, en_dir / name)


def _page_differences(name, ko_path: Path, en_path: Path):
    ko_prose, ko_code = split_code(ko_path.read_text(encoding="utf-8"))
    en_prose, en_code = split_code(en_path.read_text(encoding="utf-8"))
    if ko_code != en_code:
        yield (
            f"docs/ko/{name} and docs/en/{name} differ in their code blocks "
            f"({len(ko_code)} vs {len(en_code)} blocks; first difference at "
            f"block {_first_difference(ko_code, en_code) + 1})"
        )
    ko_math, en_math = equations(ko_prose), equations(en_prose)
    if ko_math != en_math:
        k = _first_difference(ko_math, en_math)
        sample = (ko_math + ["(none)"])[k]
        yield (
            f"docs/ko/{name} and docs/en/{name} differ in their equations "
            f"({len(ko_math)} vs {len(en_math)}; first difference at "
            f"equation {k + 1}: {sample[:80]})"
        )


def _first_difference(a, b) -> int:
    for k, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return k
    return min(len(a), len(b))
