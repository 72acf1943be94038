"""`mkdocs serve` (what `make serve` runs) re-runs the snippets of the edited page only.

A small copy of the site with two pages is served. Each page's snippet appends
"<page> <language>" to a file every time it really runs, so the test can see
which snippets ran after each edit, while the served pages must still show
every snippet's output. A failing snippet must fail every rebuild, not only
the first one (its page is never stored).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import make_small_project

SNIPPET = """
```python exec="on" result="text"
import os

from bookbuild import bookfig

with open(os.environ["RUNS_FILE"], "a", encoding="utf-8") as f:
    f.write("{page} " + os.environ["RNNBOOK_LANG"] + "\\n")
print("ran {page} with", getattr(bookfig, "MARK", "bookfig as it was"))
```
"""
FAILING = '\n```python exec="on"\nraise ValueError("boom")\n```\n'


def page(title: str, name: str, link: str) -> str:
    return f"# {title}\n\n[{link}]({link}.md)\n" + SNIPPET.format(page=name)


PAGES = {
    "index.md": (page("첫 페이지", "index", "other"), page("First page", "index", "other")),
    "other.md": (page("다른 페이지", "other", "index"), page("Other page", "other", "index")),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def _wait(predicate, what: str, timeout: float = 300, log=lambda: ""):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; the server printed:\n{log()}")


def _interruptible():
    """Let Ctrl-C (SIGINT) stop the server, as it does in a terminal.

    A shell running a job in the background without job control starts it with
    SIGINT ignored, and children inherit that; CI may run the tests that way.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Server:
    def __init__(self, project: Path, runs: Path, log: Path):
        self.project, self.runs, self.log = project, runs, log
        port = _free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RUNS_FILE": str(runs)}
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "--strict", "-f",
                 str(project / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
                cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_interruptible)
        _wait(lambda: "Serving on" in self.text() or self.process.poll() is not None,
              "mkdocs serve to start", log=self.text)
        assert self.process.poll() is None, self.text()
        self.base = re.search(r"Serving on (http://\S+?/)\s", self.text())[1]
        _wait(lambda: "ran index" in _get(self.base + "en/"), "the English site", log=self.text)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def ran(self) -> list[str]:
        return sorted(self.runs.read_text(encoding="utf-8").splitlines())

    def builds(self) -> int:
        """Rebuilds finished so far, good or failed.

        Counted from the server's own lines, which are printed after every
        rebuild: mkdocs' build logger drops a message it has printed before, so
        "Documentation built in 0.48 seconds" is missing when an earlier build
        took as long.
        """
        text = self.text()
        return (text.count("Reloading browsers")
                + text.count("An error happened during the rebuild"))

    def change(self, path: Path, add: str):
        """Append to a file and wait for the rebuild it causes."""
        before = self.builds()
        path.write_text(path.read_text(encoding="utf-8") + add, encoding="utf-8")
        _wait(lambda: self.builds() > before, f"the rebuild after editing {path.name}",
              log=self.text)

    def edit(self, lang: str, name: str, add: str):
        self.change(self.project / "docs" / lang / name, add)

    def stop(self):
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise AssertionError(f"mkdocs serve did not stop on SIGINT:\n{self.text()}")


@pytest.fixture
def server(tmp_path):
    project = make_small_project(tmp_path / "project", PAGES)
    server = Server(project, tmp_path / "runs.txt", tmp_path / "serve.log")
    yield server
    server.stop()


def test_an_edit_reruns_only_the_edited_pages_snippets(server):
    first = ["index en", "index ko", "other en", "other ko"]
    assert server.ran() == first

    server.edit("ko", "other.md", "\nmarker-one\n")
    assert "marker-one" in _get(server.base + "other/")
    assert server.ran() == sorted(first + ["other ko"])
    for url, name in [("", "index"), ("other/", "other"), ("en/", "index"),
                      ("en/other/", "other")]:  # every output is still shown
        assert f"ran {name}" in _get(server.base + url), url

    # snippets import the project's bookbuild/: a change there re-runs every page,
    # with the new code (both processes keep running between rebuilds)
    server.change(server.project / "bookbuild" / "bookfig.py", '\nMARK = "new bookfig"\n')
    assert server.ran() == sorted(first * 2 + ["other ko"])
    for url in ["", "other/", "en/", "en/other/"]:
        assert "with new bookfig" in _get(server.base + url), url


def test_a_failing_snippet_fails_every_rebuild(server):
    server.edit("ko", "other.md", FAILING)  # differs from en: also a parity warning
    server.edit("en", "other.md", FAILING)
    assert server.text().count("Aborted with") == 2
    server.edit("ko", "index.md", "\nsomething else\n")  # an unrelated edit
    last = server.text().rsplit("Detected file changes", 1)[-1]
    assert "Aborted with" in last and "ValueError" in last, last
    assert "docs/ko/other.md" in last and "docs/en/other.md" in last, last


def test_the_english_worker_answers_each_build_in_turn(tmp_path, monkeypatch):
    """A Korean build that fails before its end leaves its English answer unread;
    the next build must get its own answer, not that one."""
    from bookbuild import languages  # ROOT, on sys.path by conftest

    project = make_small_project(tmp_path / "project", PAGES)
    monkeypatch.setenv("RUNS_FILE", str(tmp_path / "runs.txt"))
    first, second = tmp_path / "first", tmp_path / "second"
    languages.start(project / "mkdocs.en.yml", first, keep=True)
    languages.start(project / "mkdocs.en.yml", second, keep=True)  # first unread
    try:
        answer = languages.finish(second)
    finally:
        languages.stop()
    assert answer["ok"], answer
    assert answer["site_dir"] == str(second)
    assert "ran index" in (second / "index.html").read_text(encoding="utf-8")
