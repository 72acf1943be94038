"""The site builds strictly, reproducibly, and refuses broken pages.

Fault tests build a small copy of the site's machinery (same configs and
hooks, two pages) with one fault injected, and check that the strict build
fails with a message naming the page.
"""

from __future__ import annotations

import filecmp
import re
from pathlib import Path

import pytest

from conftest import ROOT, make_small_project, run_build

GOOD_KO = """# 시험 페이지

$$
h_t = \\tanh(x_t W_{ih}^\\top + b_{ih}) \\quad \\text{은닉 상태}
$$

```python exec="on" source="above" result="text"
print(1 + 1)
```
"""
GOOD_EN = GOOD_KO.replace("# 시험 페이지", "# Test page").replace(
    "\\text{은닉 상태}", "\\text{hidden state}")


def build_small(tmp_path, pages):
    project = make_small_project(tmp_path / "project", pages)
    return run_build(project, tmp_path / "out")


def test_small_project_builds(tmp_path):
    """The control: without a fault, the small project builds strictly."""
    result = build_small(tmp_path, {"index.md": (GOOD_KO, GOOD_EN)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "index.html").exists()
    assert (tmp_path / "out" / "en" / "index.html").exists()
    assert (tmp_path / "out" / "search" / "search_index.json").exists()
    assert (tmp_path / "out" / "en" / "search" / "search_index.json").exists()


FAULTS = {
    "failing snippet": (
        GOOD_KO + '\n```python exec="on"\nraise ValueError("boom")\n```\n',
        GOOD_EN + '\n```python exec="on"\nraise ValueError("boom")\n```\n',
        "page.md",
    ),
    "broken link": (
        GOOD_KO + "\n[없는 페이지](missing.md)\n",
        GOOD_EN + "\n[missing page](missing.md)\n",
        "page.md",
    ),
    "missing anchor": (
        GOOD_KO + "\n[없는 절](index.md#no-such-section)\n",
        GOOD_EN + "\n[missing section](index.md#no-such-section)\n",
        "page.md",
    ),
    "different equation": (
        GOOD_KO + "\n$$ y = x^2 $$\n",
        GOOD_EN + "\n$$ y = x^3 $$\n",
        "page.md",
    ),
    "TeX error": (  # the equation is typeset at build time: MathJax refuses it
        GOOD_KO + "\n$$ \\frac{1}{ $$\n",
        GOOD_EN + "\n$$ \\frac{1}{ $$\n",
        "page.md",
    ),
    "undefined TeX macro": (
        GOOD_KO + "\n$$ \\undefinedmacro{x} $$\n",
        GOOD_EN + "\n$$ \\undefinedmacro{x} $$\n",
        "page.md",
    ),
    "different code": (
        GOOD_KO + '\n```python exec="on"\nprint(2)\n```\n',
        GOOD_EN + '\n```python exec="on"\nprint(3)\n```\n',
        "page.md",
    ),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_fails_the_build_naming_the_page(tmp_path, fault):
    ko, en, page = FAULTS[fault]
    result = build_small(
        tmp_path, {"index.md": (GOOD_KO, GOOD_EN), page: (ko, en)})
    log = result.stdout + result.stderr
    assert result.returncode != 0, f"{fault}: the build passed\n{log}"
    assert page in log, f"{fault}: the log does not name {page}\n{log}"


def test_a_tex_error_names_page_and_equation_in_both_languages(tmp_path):
    bad = "\nText $a & b$ here.\n"
    result = build_small(tmp_path, {"index.md": (GOOD_KO, GOOD_EN),
                                    "page.md": (GOOD_KO + bad, GOOD_EN + bad)})
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    for lang in ["ko", "en"]:
        assert f"docs/{lang}/page.md: TeX error in equation 2 (a & b): Misplaced &" in log, log


def test_a_missing_node_fails_the_build_saying_how_to_install_it(tmp_path):
    import os
    import subprocess
    import sys

    project = make_small_project(tmp_path / "project", {"index.md": (GOOD_KO, GOOD_EN)})
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "out")],
        cwd=project, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PATH": str(tmp_path / "empty"), "NO_MKDOCS_2_WARNING": "1"})
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert "node (Node.js) is needed" in log and "apt-get install nodejs" in log, log


@pytest.mark.parametrize("missing", ["ko", "en"])
def test_missing_translation_fails_the_build(tmp_path, missing):
    ko = None if missing == "ko" else GOOD_KO
    en = None if missing == "en" else GOOD_EN
    result = build_small(tmp_path, {"index.md": (GOOD_KO, GOOD_EN),
                                    "page.md": (ko, en)})
    log = result.stdout + result.stderr
    assert result.returncode != 0, log
    assert f"docs/{missing}/page.md" in log or "page.md" in log, log
    assert "translation" in log, log


def test_whole_site_builds_strictly(built_site: Path):
    pages = sorted(p.relative_to(built_site).as_posix()
                   for p in built_site.rglob("index.html"))
    en_pages = [p for p in pages if p.startswith("en/")]
    assert en_pages and len(en_pages) * 2 == len(pages), pages


def test_every_page_exists_in_both_languages():
    ko = {p.relative_to(ROOT / "docs/ko") for p in (ROOT / "docs/ko").rglob("*.md")}
    en = {p.relative_to(ROOT / "docs/en") for p in (ROOT / "docs/en").rglob("*.md")}
    assert ko == en


def test_two_builds_are_byte_identical(built_site: Path, tmp_path):
    second = tmp_path / "second"
    result = run_build(ROOT, second)
    assert result.returncode == 0, result.stderr
    differing = []
    for path in sorted(built_site.rglob("*")):
        if path.is_file():
            other = second / path.relative_to(built_site)
            if not other.exists() or not filecmp.cmp(path, other, shallow=False):
                differing.append(path.relative_to(built_site).as_posix())
    assert differing == []


def test_no_page_refers_to_another_host(built_site: Path):
    """No script, stylesheet, font or image is loaded from another host.

    Links a reader clicks (<a href>) may leave the site; loads may not.
    """
    tag = re.compile(r"<(script|link|img|iframe|source|video|audio)\b[^>]*>", re.I)
    remote = re.compile(r'(?:src|href)="(?:https?:)?//', re.I)
    offenders = []
    for path in built_site.rglob("*.html"):
        for m in tag.finditer(path.read_text(encoding="utf-8")):
            # rel="canonical" names the page's public address; nothing loads it
            if remote.search(m.group(0)) and 'rel="canonical"' not in m.group(0):
                offenders.append(f"{path.relative_to(built_site)}: {m.group(0)}")
    css = re.compile(r"url\((['\"]?)(https?:)?//")
    for path in built_site.rglob("*.css"):
        if css.search(path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(str(path.relative_to(built_site)))
    assert offenders == []


def test_api_examples_are_shown_as_code(built_site: Path):
    """Every `Examples:` section of a docstring is a highlighted Python session
    on the API page, not `>>>` turned into nested quotes."""
    sections = sum(len(re.findall(r"^\s+Examples:$", path.read_text("utf-8"), re.M))
                   for path in (ROOT / "rnnbook").glob("*.py"))
    assert sections >= 40, "the control: the package's docstrings have examples"
    for lang in ["", "en/"]:
        pages = [p.read_text("utf-8") for p in (built_site / lang / "api").rglob("index.html")]
        shown = sum(page.count('<div class="language-pycon highlight">') for page in pages)
        assert shown == sections, lang
        assert not any("<blockquote>\n<blockquote>" in page for page in pages), lang
