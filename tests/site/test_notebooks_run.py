"""Every chapter's notebook, in both languages, runs clean and prints what the page printed.

The built site (both languages) holds `notebooks/<chapter>.ipynb`; each is run
top to bottom in a fresh kernel (nbclient, ipykernel) in a folder of its own,
and every code cell's printed output must equal the output stored in it, which
is the output the build showed on the page (checked against the page's HTML
too). Each chapter page links its notebook.
"""

from __future__ import annotations

import html
import re
import time

import nbformat
import pytest
from nbclient import NotebookClient

from bookbuild import notebooks

LANGS = {"ko": "", "en": "en/"}
TIMES: dict[str, float] = {}


def chapter_notebooks(site):
    return [path for prefix in LANGS.values()
            for path in sorted((site / prefix / notebooks.FOLDER).glob("*.ipynb"))]


def printed(cell) -> str:
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


def test_every_chapter_page_links_its_notebook(built_site):
    for lang, prefix in LANGS.items():
        linked = []
        for page in sorted((built_site / prefix).glob("*/index.html")):
            found = re.search(r'<p class="rb-notebook"><a href="\.\./notebooks/([\w-]+\.ipynb)"',
                              page.read_text(encoding="utf-8"))
            if found:
                assert (built_site / prefix / "notebooks" / found[1]).is_file(), page
                linked.append(found[1])
        for chapter in ("rnn", "bptt", "lstm", "gru"):
            assert f"{chapter}.ipynb" in linked, f"{lang}: {chapter} page has no notebook link"
        assert sorted(linked) == sorted(p.name for p in (built_site / prefix / "notebooks").iterdir())


def test_notebooks_speak_the_page_language(built_site):
    hangul = re.compile("[가-힣]")
    for path in chapter_notebooks(built_site):
        nb = nbformat.read(path, as_version=4)
        first = nb.cells[0].source
        korean = path.parent.parent == built_site
        assert bool(hangul.search(first)) == korean, path
        assert "pip install " in first and "assets/pyodide/rnnbook-" in first, path


def test_stored_outputs_are_the_pages(built_site):
    for path in chapter_notebooks(built_site):
        page = path.parent.parent / path.stem / "index.html"
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and printed(cell).strip():
                assert printed(cell).strip() in text, f"{path.name}: {printed(cell)[:80]!r}"


@pytest.fixture(scope="module")
def all_notebooks(built_site):
    paths = chapter_notebooks(built_site)
    assert len(paths) >= 20, paths  # both languages
    return paths


def test_notebooks_run_clean_and_print_what_the_page_printed(all_notebooks, tmp_path,
                                                             monkeypatch):
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(name, "1")
    problems = []
    start = time.perf_counter()
    for path in all_notebooks:
        stored = nbformat.read(path, as_version=4)
        fresh = nbformat.read(path, as_version=4)
        for cell in fresh.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        folder = tmp_path / f"{path.parent.parent.name}-{path.stem}"
        folder.mkdir()
        began = time.perf_counter()
        client = NotebookClient(fresh, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(folder)}})
        try:
            client.execute()
        except Exception as error:  # noqa: BLE001 - reported with the notebook's name
            problems.append(f"{path}: {type(error).__name__}: {str(error)[-600:]}")
            continue
        TIMES[str(path)] = time.perf_counter() - began
        for was, now in zip(stored.cells, fresh.cells):
            if was.cell_type == "code" and printed(was) != printed(now):
                problems.append(f"{path} cell {was.id}: page printed {printed(was)[:200]!r}, "
                                f"notebook printed {printed(now)[:200]!r}")
    total = time.perf_counter() - start
    print(f"{len(all_notebooks)} notebooks ran in {total:.1f} s")
    assert not problems, "\n".join(problems)
