"""MkDocs hooks that make rnnbook one site in two languages.

`mkdocs.yml` builds the Korean site at the root; `mkdocs.en.yml` inherits it and
builds the English site. Building or serving `mkdocs.yml` also builds the
English site (in a second process, in parallel, see scripts/en_build.py) into
`site/en/`, so one command gives the whole site and each language keeps its own
search index.

The hooks also:
- fail the build (a warning, so `--strict` fails) when a page has no
  translation, or when the two versions of a page differ in their equations or
  code blocks;
- add the shared assets in `docs/assets/` and a local copy of MathJax to both
  sites, so no page loads anything from another host;
- point the language switcher of every page to the same page in the other
  language;
- fix the build date to the last commit's time, so two builds of one commit
  are byte-identical;
- in `mkdocs serve` only, keep the output of each page's snippets between
  rebuilds, so an edit re-runs only the snippets of the edited page (a page is
  re-run whenever its text or anything its snippets import from the project
  changes; `mkdocs build` always runs every snippet).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

import en_build  # scripts/ is on sys.path while MkDocs loads this file

log = logging.getLogger("mkdocs.plugins.rnnbook")

# The two languages build at the same time, one process each on a 2-core
# machine; the snippets use small matrices. One BLAS/OpenMP thread per process
# is faster than threads fighting over the cores. (Set before any snippet
# imports NumPy or torch; the English process inherits it.)
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SHARED_ASSETS = DOCS / "assets"
# Each language: its docs folder and where its pages live below the site root.
LANGUAGES = {"ko": "", "en": "en/"}
SECOND_CONFIG = "mkdocs.en.yml"

_english_build: dict = {}


def _is_primary(config) -> bool:
    """True for the Korean build, which also starts the English one."""
    return Path(config.config_file_path).name == "mkdocs.yml"


def _language(config) -> str:
    return config.theme["language"]


# ---------------------------------------------------------------- start-up


def on_startup(command, dirty):
    """In `mkdocs serve`, keep snippet outputs between rebuilds (_SnippetCache).

    Stored in the environment: `mkdocs serve` loads this module again for each
    rebuild, and the English build runs in another process.
    """
    if command == "serve":
        os.environ["RNNBOOK_SNIPPET_CACHE"] = str(_serve_cache_dir())


def _serving() -> bool:
    """True under `mkdocs serve` (in the English worker too)."""
    return bool(os.environ.get("RNNBOOK_SNIPPET_CACHE"))


def _serve_cache_dir() -> Path:
    """Where `mkdocs serve` (this process) keeps snippet outputs."""
    return Path(tempfile.gettempdir()) / f"rnnbook-snippets-{os.getpid()}"


def on_config(config):
    """Fix the build date and let build-time snippets import bookbuild/."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", _last_commit_time())
    os.environ["RNNBOOK_LANG"] = _language(config)  # read by bookfig.tr
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return config


def _last_commit_time() -> str:
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.strip()
        return out or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


def on_pre_build(config):
    """Check the translations, then start the English build beside this one."""
    _forget_project_modules()
    _SnippetCache.start_build()
    if not _is_primary(config):
        return
    for problem in translation_problems(DOCS / "ko", DOCS / "en"):
        log.warning(problem)
    _start_english_build(config)


def _forget_project_modules():
    """Make snippets import rnnbook and bookbuild afresh in every build.

    `mkdocs serve` builds again in the same process after an edit; without
    this, snippets would still run the package as it was at the first build.
    """
    for name in list(sys.modules):
        if name.split(".")[0] in ("rnnbook", "bookbuild"):
            del sys.modules[name]


def _start_english_build(config):
    out_dir = Path(tempfile.mkdtemp(prefix="rnnbook-en-"))
    en_build.start(ROOT / SECOND_CONFIG, out_dir, keep=_serving())
    _english_build["out_dir"] = out_dir


def on_post_build(config):
    """Wait for the English build, pass on its warnings, copy it into en/."""
    if not _is_primary(config) or "out_dir" not in _english_build:
        return
    out_dir = _english_build.pop("out_dir")
    result = en_build.finish(out_dir)
    for message in result["warnings"]:
        log.warning("[en] %s", message)
    if not result["ok"]:
        raise PluginError(f"The English build failed: {result['error']}")
    target = Path(config.site_dir) / LANGUAGES["en"]
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(out_dir, target)
    shutil.rmtree(out_dir, ignore_errors=True)


def on_shutdown():
    en_build.stop()
    cache = os.environ.get("RNNBOOK_SNIPPET_CACHE")
    if cache and cache == str(_serve_cache_dir()):  # not in the English build
        shutil.rmtree(cache, ignore_errors=True)


# ---------------------------------------------------------------- messages


class _NamePage(logging.Filter):
    """Add the page being rendered to warnings that do not name it.

    markdown-exec reports a failing snippet without saying on which page.
    """

    page = None  # e.g. "docs/ko/rnn.md" while that page is rendered

    def filter(self, record):
        page = _NamePage.page
        if page and record.levelno >= logging.WARNING:
            message = record.getMessage()
            if page not in message:
                record.msg, record.args = f"{page}: {message}", ()
        return True


_name_page = _NamePage()


def on_page_markdown(markdown, page, config, files):
    """Remember which page is rendered, for the warnings about it."""
    _NamePage.page = f"{Path(config.docs_dir).relative_to(ROOT).as_posix()}/{page.file.src_uri}"
    for handler in logging.getLogger("mkdocs").handlers:
        if _name_page not in handler.filters:
            handler.addFilter(_name_page)
    _SnippetCache.start_page(markdown, config)
    return markdown


def on_page_content(html, page, config, files):
    _NamePage.page = None
    _SnippetCache.end_page()
    return html


# ---------------------------------------------------------------- serve cache


class _SnippetCache:
    """Replay a page's snippet outputs in `mkdocs serve` when nothing changed.

    markdown-exec runs each Python block through `_run_python(code, ...)`,
    which returns the block's printed output. While serving, the outputs of a
    page are stored in a file named by a hash of the page's Markdown, the
    language and every project file a snippet can import (rnnbook/, scripts/,
    bench/*.json). On the next rebuild a page with the same hash gets its
    outputs back in order instead of running the blocks again. A page whose
    snippet fails is not stored, so its warning comes back on every rebuild.
    """

    fingerprint = None  # of the project files, once per build; None: cache off
    key = None  # the hash of the page being rendered, when the cache is on
    outputs = None  # outputs to replay, or None to run and record
    recorded: list = []
    failed = False

    @classmethod
    def start_build(cls):
        if _serving():
            _patch_markdown_exec()
            cls.fingerprint = _project_fingerprint()

    @classmethod
    def start_page(cls, markdown, config):
        if cls.fingerprint is None:
            return
        text = markdown + _language(config) + cls.fingerprint
        folder = Path(os.environ["RNNBOOK_SNIPPET_CACHE"])
        cls.key = folder / hashlib.sha256(text.encode()).hexdigest()
        stored = cls.key.with_suffix(".json")
        cls.outputs = json.loads(stored.read_text("utf-8")) if stored.exists() else None
        cls.recorded, cls.failed = [], False

    @classmethod
    def end_page(cls):
        if cls.key is not None and cls.outputs is None and not cls.failed:
            cls.key.parent.mkdir(parents=True, exist_ok=True)
            cls.key.with_suffix(".json").write_text(json.dumps(cls.recorded), "utf-8")
        cls.key = cls.outputs = None

    @classmethod
    def run(cls, original, code, *args, **kwargs):
        if cls.key is None:
            return original(code, *args, **kwargs)
        if cls.outputs is not None:
            return cls.outputs.pop(0)
        try:
            output = original(code, *args, **kwargs)
        except Exception:
            cls.failed = True
            raise
        cls.recorded.append(output)
        return output


def _project_fingerprint() -> str:
    """Hash of the project files that build-time snippets read or import."""
    digest = hashlib.sha256()
    for folder, pattern in [("rnnbook", "**/*"), ("bookbuild", "**/*.py"),
                            ("scripts", "*.py"), ("bench", "*.json")]:
        for path in sorted((ROOT / folder).glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _patch_markdown_exec():
    """Route markdown-exec's Python runner through _SnippetCache.run (once).

    `_run_python` is markdown-exec's own, not a public API: its version is
    pinned in pyproject.toml, and tests/site/test_serve.py fails if it changes.
    """
    from markdown_exec._internal.formatters import python as mx_python

    original = getattr(mx_python, "_rnnbook_original", None)
    if original is None:
        original = mx_python._rnnbook_original = mx_python._run_python
    mx_python._run_python = lambda code, *a, **k: _SnippetCache.run(original, code, *a, **k)


# ---------------------------------------------------------------- assets


def on_files(files: Files, config) -> Files:
    """Add docs/assets/ and a local MathJax to the site."""
    for path in sorted(SHARED_ASSETS.rglob("*")):
        if path.is_file():
            uri = "assets/" + path.relative_to(SHARED_ASSETS).as_posix()
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    for src, uri in _mathjax_files():
        files.append(File.generated(config, uri, abs_src_path=str(src)))
    return files


def _mathjax_files():
    """MathJax 3 (CommonHTML output) from the django-static-mathjax package."""
    import mathjax  # the package's import name

    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    wanted = [es5 / "tex-chtml.js"]
    for folder in ["input/tex/extensions", "output/chtml", "a11y", "ui", "sre"]:
        wanted += [p for p in sorted((es5 / folder).rglob("*")) if p.is_file()]
    for path in wanted:
        yield path, "assets/mathjax/" + path.relative_to(es5).as_posix()


# ---------------------------------------------------------------- switcher

_ALT_LINK = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_SELECT_LINK = re.compile(
    r'<a href="[^"]*" hreflang="(?P<lang>[^"]*)" class="md-select__link">'
)


def on_post_page(output: str, page, config) -> str:
    """Point the language switcher to this page in the other language.

    Material's own switcher goes to the other language's home page unless it
    can match the page in that language's sitemap, which needs the final host
    name. The same file exists in both languages, so the link is known here.
    Material's `<link rel="alternate">` tags are dropped: its script fetches
    `sitemap.xml` next to them, which would fail for per-page links.
    """
    here = LANGUAGES[_language(config)] + page.url

    def relink(match):
        there = LANGUAGES.get(match["lang"], "") + page.url
        href = _relative_url(here, there)
        return f'<a href="{href}" hreflang="{match["lang"]}" class="md-select__link">'

    output = _ALT_LINK.sub("", output)
    return _SELECT_LINK.sub(relink, output)


def _relative_url(here: str, there: str) -> str:
    """Relative URL between two directory-style page URLs ("" is the root).

    >>> _relative_url("rnn/", "en/rnn/")
    '../en/rnn/'
    """
    return "../" * here.count("/") + there or "./"


# ---------------------------------------------------------------- parity

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$")
_TEXT = re.compile(r"\\(text|textrm|mbox)\{[^{}]*\}")


def split_code(markdown: str):
    """Split a page into (prose without code blocks, list of code blocks).

    A code block is (info string, code); comment lines and trailing `  #`
    comments are dropped from the code, so comments may be translated.
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
    """Display and inline equations, with the text inside \\text{} removed."""
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
