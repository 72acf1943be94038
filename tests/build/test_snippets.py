"""bookbuild.snippets: the serve cache and fresh imports between builds."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bookbuild import snippets  # noqa: E402
from bookbuild.snippets import SnippetCache, project_fingerprint  # noqa: E402


def make_project(root: Path) -> Path:
    (root / "rnnbook").mkdir(parents=True)
    (root / "rnnbook" / "cells.py").write_text("A = 1\n")
    (root / "bench").mkdir()
    (root / "bench" / "results.json").write_text("{}")
    (root / "bench" / "notes.txt").write_text("not read by pages")
    return root


def test_fingerprint_follows_what_snippets_import(tmp_path):
    root = make_project(tmp_path)
    first = project_fingerprint(root)
    (root / "bench" / "notes.txt").write_text("edited")
    assert project_fingerprint(root) == first
    (root / "rnnbook" / "cells.py").write_text("A = 2\n")
    assert project_fingerprint(root) != first


class Runner:
    """Stands in for markdown-exec's `_run_python`: counts real runs."""

    def __init__(self):
        self.runs = 0

    def __call__(self, code, *args, **kwargs):
        self.runs += 1
        if "raise" in code:
            raise ValueError("boom")
        return f"output {self.runs}"


@pytest.fixture
def serving(tmp_path, monkeypatch):
    monkeypatch.setenv(snippets.CACHE_VARIABLE, str(tmp_path / "cache"))
    monkeypatch.setattr(snippets, "patch_markdown_exec", lambda: None)
    yield make_project(tmp_path / "project")
    SnippetCache.fingerprint = None


def render(markdown, runner, blocks=("print(1)", "print(2)"), language="ko"):
    SnippetCache.start_page(markdown, language)
    try:
        return [SnippetCache.run(runner, code) for code in blocks]
    finally:
        SnippetCache.end_page()


def test_an_unchanged_page_replays_its_outputs(serving):
    runner = Runner()
    SnippetCache.start_build(serving)
    assert render("# page", runner) == ["output 1", "output 2"]
    SnippetCache.start_build(serving)
    assert render("# page", runner) == ["output 1", "output 2"]
    assert runner.runs == 2
    assert render("# page", runner, language="en") == ["output 3", "output 4"]
    assert render("# page edited", runner) == ["output 5", "output 6"]


def test_a_package_edit_runs_the_page_again(serving):
    runner = Runner()
    SnippetCache.start_build(serving)
    render("# page", runner)
    (serving / "rnnbook" / "cells.py").write_text("A = 3\n")
    SnippetCache.start_build(serving)
    assert render("# page", runner) == ["output 3", "output 4"]


def test_a_failing_page_is_never_stored(serving):
    runner = Runner()
    SnippetCache.start_build(serving)
    for _ in range(2):
        with pytest.raises(ValueError):
            render("# page", runner, blocks=("print(1)", "raise"))
    assert runner.runs == 4


def test_without_serve_every_snippet_runs(tmp_path, monkeypatch):
    monkeypatch.delenv(snippets.CACHE_VARIABLE, raising=False)
    runner = Runner()
    SnippetCache.start_build(make_project(tmp_path))
    render("# page", runner)
    render("# page", runner)
    assert runner.runs == 4


def test_forget_page_modules_keeps_the_machinery():
    import bookbuild

    saved = dict(sys.modules)
    fakes = {name: types.ModuleType(name) for name in
             ["rnnbook", "rnnbook.cells", "bookbuild.fakefig", "bookbuild.fakekeep"]}
    sys.modules.update(fakes)
    bookbuild.fakefig, bookbuild.fakekeep = fakes["bookbuild.fakefig"], fakes["bookbuild.fakekeep"]
    try:
        snippets.forget_page_modules(keep={"bookbuild.fakekeep", "bookbuild.snippets"})
        for name in ["rnnbook", "rnnbook.cells", "bookbuild.fakefig"]:
            assert name not in sys.modules, name
        assert not hasattr(bookbuild, "fakefig")  # `from bookbuild import fakefig` re-imports
        assert sys.modules["bookbuild.fakekeep"] is fakes["bookbuild.fakekeep"]
        assert sys.modules["bookbuild"] is bookbuild
        assert sys.modules["bookbuild.snippets"] is snippets
    finally:  # give this test process its modules back
        for name in fakes:
            sys.modules.pop(name, None)
        vars(bookbuild).pop("fakekeep", None)
        for name, module in saved.items():
            sys.modules.setdefault(name, module)
            parent, _, child = name.rpartition(".")
            if parent == "bookbuild":
                setattr(bookbuild, child, module)
