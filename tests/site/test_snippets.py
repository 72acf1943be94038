"""The copy-paste guarantee: every Python block the site shows runs as shown.

Every Python code block a reader can copy from the built site (both
languages) is run in a fresh interpreter with only the installed packages, in
an empty folder; it must exit 0 and print exactly the output the page shows
under it (markdown-exec's result="text" block; no block means no output).
Only trailing whitespace is normalised. Identical code (the Korean and English
pages share it) runs once; each page's shown output is still compared.

Blocks are chosen by their language mark in the HTML (`language-python`), so
```bash and ```text blocks are never run. The API reference's signatures and
source listings, rendered by mkdocstrings from the package, are not snippets.

A source lint also requires every ```python fence in docs/ko and docs/en to
be executed (exec="on"): no unexecuted Python on the site.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT

WORKERS = 2
TIMEOUT_S = 300
PYTHON_CLASSES = {"language-python", "language-py", "language-python3", "language-py3"}
PYTHON_FENCES = {"python", "py", "python3", "py3", "pycon"}


@dataclass(frozen=True)
class Snippet:
    page: str      # "ko/rnn/", "en/" ...
    number: int    # 1-based among the page's snippets
    code: str
    shown: str     # the output the page shows under it ("" if none)

    @property
    def where(self) -> str:
        first = next((line for line in self.code.splitlines() if line.strip()), "")
        return f"{self.page} snippet {self.number} ({first[:60]!r})"


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def _classes(tag) -> set[str]:
    return set(tag.get("class") or [])


def extract_snippets(html: str, page: str) -> list[Snippet]:
    """The Python blocks of one built page, with the output shown under each."""
    soup = BeautifulSoup(html, "html.parser")
    article = soup.find("article") or soup
    snippets = []
    for block in article.find_all("div", class_="highlight"):
        classes = _classes(block)
        if not classes & PYTHON_CLASSES:
            continue
        if "doc-signature" in classes or block.find_parent(
                "details", class_="mkdocstrings-source"):
            continue  # the API reference's rendering of the package
        shown = ""
        after = block.find_next_sibling()
        if after is not None and after.name == "div" and \
                {"highlight", "language-text"} <= _classes(after):
            shown = _code_text(after)
        snippets.append(Snippet(page, len(snippets) + 1, _code_text(block), shown))
    return snippets


def _code_text(block) -> str:
    code = block.find("code")
    return (code or block).get_text()


def site_snippets(site: Path) -> list[Snippet]:
    snippets = []
    for path in sorted(site.rglob("index.html")):
        rel = path.parent.relative_to(site).as_posix()
        rel = "" if rel == "." else rel + "/"
        page = f"en/{rel[3:]}" if rel.startswith("en/") else f"ko/{rel}"
        snippets += extract_snippets(path.read_text(encoding="utf-8"), page)
    return snippets


def reader_env() -> dict[str, str]:
    """The environment of a reader's shell: no PYTHON* settings of ours, no
    RNNBOOK_* of the site build (RNNBOOK_LANG picks figure labels)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "RNNBOOK_"))}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def run_snippet(code: str) -> Run:
    """Run code as a reader would: saved to a file in an empty folder."""
    with tempfile.TemporaryDirectory(prefix="rnnbook-snippet-") as cwd:
        script = Path(cwd) / "snippet.py"
        script.write_text(code, encoding="utf-8")
        try:
            done = subprocess.run(
                [sys.executable, script.name], cwd=cwd, env=reader_env(),
                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                encoding="utf-8", errors="replace", timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return Run(-1, "", f"timed out after {TIMEOUT_S} s")
    return Run(done.returncode, done.stdout, done.stderr)


def run_all(snippets: list[Snippet]) -> dict[str, Run]:
    """Each distinct code once, WORKERS at a time."""
    codes = list(dict.fromkeys(s.code for s in snippets))
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return dict(zip(codes, pool.map(run_snippet, codes)))


def normalise(text: str) -> str:
    """Only trailing whitespace: at line ends and at the end."""
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def failure(snippet: Snippet, run: Run) -> str | None:
    """Why the snippet breaks the guarantee, or None."""
    if run.returncode != 0:
        tail = "\n    ".join(run.stderr.strip().splitlines()[-6:])
        return f"{snippet.where}: exit code {run.returncode}\n    {tail}"
    got, shown = normalise(run.stdout), normalise(snippet.shown)
    if got != shown:
        got_lines, shown_lines = got.splitlines(), shown.splitlines()
        k = next((i for i, (a, b) in enumerate(zip(got_lines, shown_lines)) if a != b),
                 min(len(got_lines), len(shown_lines)))
        return (f"{snippet.where}: prints other output than the page shows "
                f"(first difference at line {k + 1}: prints "
                f"{(got_lines + ['(nothing)'])[k]!r}, page shows "
                f"{(shown_lines + ['(nothing)'])[k]!r})")
    return None


@pytest.fixture(scope="module")
def snippets(built_site) -> list[Snippet]:
    return site_snippets(built_site)


@pytest.fixture(scope="module")
def runs(snippets) -> dict[str, Run]:
    return run_all(snippets)


def test_the_site_offers_python_snippets_in_both_languages(snippets):
    pages = {s.page.split("/")[0] for s in snippets}
    assert pages == {"ko", "en"}, pages


def test_every_snippet_runs_and_prints_what_the_page_shows(snippets, runs, capsys):
    failures = [f for s in snippets if (f := failure(s, runs[s.code]))]
    with capsys.disabled():
        print(f"\nsnippets: {len(snippets)} Python blocks on "
              f"{len({s.page for s in snippets})} pages ({len(runs)} distinct, "
              f"run {WORKERS} at a time); {len(snippets) - len(failures)} pass, "
              f"{len(failures)} fail")
    assert not failures, "\n" + "\n".join(failures)


# ------------------------------------------------------------------ the checker catches faults

GOOD_PAGE = """<article>
<div class="language-python highlight"><pre><span></span><code><span class="nb">print</span>(<span class="s2">"h&lt;t&gt;"</span>, 1 + 1)
</code></pre></div>
<div class="language-text highlight"><pre><span></span><code>h&lt;t&gt; 2
</code></pre></div>
<div class="language-bash highlight"><pre><span></span><code>pip install rnnbook
</code></pre></div>
<div class="language-python doc-signature highlight"><pre><code>RNN(input_size, hidden_size)</code></pre></div>
<details class="mkdocstrings-source"><div class="language-python highlight"><pre><code>def f(self):
    return self.x
</code></pre></div></details>
<div class="language-python highlight"><pre><code>x = 1
</code></pre></div>
<p>no output</p>
</article>"""


def test_extraction_takes_python_blocks_and_their_output():
    found = extract_snippets(GOOD_PAGE, "ko/test/")
    assert [(s.code, s.shown) for s in found] == [
        ('print("h<t>", 1 + 1)\n', "h<t> 2\n"), ("x = 1\n", "")]
    assert [failure(s, run_snippet(s.code)) for s in found] == [None, None]


@pytest.mark.parametrize("code,shown,message", [
    ('print("a")\n', "b\n", "prints other output"),
    ('print("a")\n', "", "prints other output"),
    ("import no_such_module_here\n", "", "exit code 1"),
    ("import sys\nsys.path.append('x')\nfrom bookbuild import bookfig\n", "", "exit code 1"),
])
def test_failure_names_the_page_and_snippet(code, shown, message):
    snippet = Snippet("en/rnn/", 4, code, shown)
    reason = failure(snippet, run_snippet(code))
    assert reason is not None and "en/rnn/ snippet 4" in reason and message in reason, reason


def test_trailing_whitespace_is_the_only_normalisation():
    assert normalise("a  \nb\n\n") == normalise("a\nb")
    assert normalise(" a") != normalise("a")
    assert normalise("a\n\nb") != normalise("a\nb")


# ------------------------------------------------------------------ source lint

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>.*)$")


def unexecuted_python(path: Path) -> list[str]:
    """```python fences of a page without exec="on", as "file:line: fence"."""
    problems, lines = [], path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        info = m["info"].strip()
        words = info.lstrip("{").split()
        lang = words[0].lstrip(".").rstrip("}").lower() if words else ""
        if lang in PYTHON_FENCES and not re.search(r'\bexec="on"', info):
            where = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path
            problems.append(f"{where}:{i + 1}: {lines[i].strip()}")
        fence = m["fence"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        i += 1
        while i < len(lines) and not closing.match(lines[i]):
            i += 1
        i += 1
    return problems


def test_every_python_fence_is_executed():
    pages = sorted((ROOT / "docs" / "ko").rglob("*.md")) + sorted(
        (ROOT / "docs" / "en").rglob("*.md"))
    assert pages
    problems = [p for page in pages for p in unexecuted_python(page)]
    assert not problems, (
        'Python blocks that the build does not run (add exec="on", or use ```text '
        "for code that is not meant to run):\n" + "\n".join(problems))


def test_the_lint_finds_an_unexecuted_block(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# t\n\n```python exec=\"on\" source=\"above\"\nprint(1)\n```\n\n"
        "````text\n```python\nnot code\n```\n````\n\n"
        "!!! note\n    ```python\n    x = 1\n    ```\n\n"
        "```bash\npython -c 'print(1)'\n```\n\n```py title=\"x.py\"\ny = 2\n```\n",
        encoding="utf-8")
    assert unexecuted_python(page) == [
        f"{page}:14: ```python", f"{page}:22: ```py title=\"x.py\""]
