"""Per-page timing of build-time snippets, for bench/bench_site.py only.

bench_site.py puts this folder on PYTHONPATH and sets RNNBOOK_SNIPPET_TIMES to a
file name; every Python process of that build (the Korean build and the English
one it starts) then imports this module at start-up, which wraps

- ``mkdocs.structure.pages.Page.render`` (Markdown -> HTML of one page), to know
  the page and time its whole rendering, and
- markdown-exec's ``exec_python`` (one executed code block), to time the blocks,

and appends one JSON line per page to that file. Without the variable it does
nothing. It only measures: nothing about the build changes.
"""

import os

if os.environ.get("RNNBOOK_SNIPPET_TIMES"):
    import json
    import time

    from markdown_exec._internal.formatters import python as _mx_python
    from mkdocs.structure import pages as _pages

    _out = os.environ["RNNBOOK_SNIPPET_TIMES"]
    _current = {"page": None, "blocks": 0, "exec_s": 0.0}
    _exec = _mx_python.exec_python
    _render = _pages.Page.render

    def _timed_exec(code, filename, exec_globals=None):
        start = time.perf_counter()
        try:
            return _exec(code, filename, exec_globals)
        finally:
            _current["exec_s"] += time.perf_counter() - start
            _current["blocks"] += 1

    def _timed_render(self, config, files):
        _current.update(page=self.file.abs_src_path, blocks=0, exec_s=0.0)
        start = time.perf_counter()
        try:
            return _render(self, config, files)
        finally:
            record = {"page": self.file.abs_src_path, "lang": config.theme["language"],
                      "render_s": time.perf_counter() - start,
                      "exec_s": _current["exec_s"], "blocks": _current["blocks"]}
            with open(_out, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")

    _mx_python.exec_python = _timed_exec
    _pages.Page.render = _timed_render
