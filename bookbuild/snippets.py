"""The pages' build-time snippets: their environment and, in `mkdocs serve`, a cache.

markdown-exec runs every `exec="on"` block of a page while the site is built.
This module

- gives the snippets one BLAS/OpenMP thread (`limit_threads`);
- makes them import rnnbook and bookbuild's page modules afresh in every build
  (`forget_page_modules`), so `mkdocs serve` runs the package as edited;
- in `mkdocs serve` only, keeps each page's snippet outputs between rebuilds
  (`SnippetCache`), so an edit re-runs only the snippets of the edited page.
  A page is re-run whenever its text or anything its snippets import from the
  project changes; `mkdocs build` always runs every snippet.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

CACHE_VARIABLE = "RNNBOOK_SNIPPET_CACHE"  # set while serving, in the English worker too
# what build-time snippets read or import: (folder, glob pattern)
PROJECT_FILES = [("rnnbook", "**/*"), ("bookbuild", "**/*.py"),
                 ("scripts", "*.py"), ("bench", "*.json")]


def limit_threads() -> None:
    """One BLAS/OpenMP thread per build process.

    The two languages build at the same time, one process each on a 2-core
    machine; the snippets use small matrices. One thread per process is faster
    than threads fighting over the cores. (Must run before any snippet imports
    NumPy or torch; the English worker inherits it.)
    """
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def forget_page_modules(keep: set[str]) -> None:
    """Make snippets import rnnbook and bookbuild afresh in the next build.

    `mkdocs serve` builds again in the same process after an edit; without
    this, snippets would still run the package as it was at the first build.
    Modules named in `keep` (the build machinery scripts/hooks.py imported)
    stay, with their state: the English worker, for one.
    """
    for name in list(sys.modules):
        top = name.split(".")[0]
        if name in keep or name == "bookbuild" or top not in ("rnnbook", "bookbuild"):
            continue
        del sys.modules[name]
        parent, _, child = name.rpartition(".")
        # `from bookbuild import bookfig` would return the package's attribute
        if parent in sys.modules and getattr(sys.modules[parent], child, None) is not None:
            delattr(sys.modules[parent], child)


# ---------------------------------------------------------------- serve cache


def start_serving() -> None:
    """Turn the cache on for this `mkdocs serve` (and its English worker).

    Kept in the environment: `mkdocs serve` loads scripts/hooks.py again for
    each rebuild, and the English build runs in another process.
    """
    os.environ[CACHE_VARIABLE] = str(_cache_dir())


def serving() -> bool:
    """True under `mkdocs serve` (in the English worker too)."""
    return bool(os.environ.get(CACHE_VARIABLE))


def stop_serving() -> None:
    """Delete the cache, in the process that made it (not the English worker)."""
    cache = os.environ.get(CACHE_VARIABLE)
    if cache and cache == str(_cache_dir()):
        shutil.rmtree(cache, ignore_errors=True)


def _cache_dir() -> Path:
    """Where `mkdocs serve` (this process) keeps snippet outputs."""
    return Path(tempfile.gettempdir()) / f"rnnbook-snippets-{os.getpid()}"


class SnippetCache:
    """Replay a page's snippet outputs in `mkdocs serve` when nothing changed.

    markdown-exec runs each Python block through `_run_python(code, ...)`,
    which returns the block's printed output. While serving, the outputs of a
    page are stored in a file named by a hash of the page's Markdown, the
    language and every project file a snippet can import (PROJECT_FILES). On
    the next rebuild a page with the same hash gets its outputs back in order
    instead of running the blocks again. A page whose snippet fails is not
    stored, so its warning comes back on every rebuild.
    """

    fingerprint = None  # of the project files, once per build; None: cache off
    key = None  # the hash of the page being rendered, when the cache is on
    outputs = None  # outputs to replay, or None to run and record
    recorded: list = []
    failed = False

    @classmethod
    def start_build(cls, root: Path):
        if serving():
            patch_markdown_exec()
            cls.fingerprint = project_fingerprint(root)
        else:
            cls.fingerprint = None

    @classmethod
    def start_page(cls, markdown: str, language: str):
        if cls.fingerprint is None:
            return
        text = markdown + language + cls.fingerprint
        folder = Path(os.environ[CACHE_VARIABLE])
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


def project_fingerprint(root: Path) -> str:
    """Hash of the project files that build-time snippets read or import."""
    digest = hashlib.sha256()
    for folder, pattern in PROJECT_FILES:
        for path in sorted((root / folder).glob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def patch_markdown_exec() -> None:
    """Route markdown-exec's Python runner through SnippetCache.run (once).

    `_run_python` is markdown-exec's own, not a public API: its version is
    pinned in pyproject.toml, and tests/site/test_serve.py fails if it changes.
    """
    from markdown_exec._internal.formatters import python as mx_python

    original = getattr(mx_python, "_rnnbook_original", None)
    if original is None:
        original = mx_python._rnnbook_original = mx_python._run_python
    mx_python._run_python = lambda code, *a, **k: SnippetCache.run(original, code, *a, **k)
