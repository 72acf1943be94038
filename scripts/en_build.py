"""The English site's build, in a second process beside the Korean one.

scripts/hooks.py starts it from the Korean build: `start()` when the Korean
build begins, `finish()` when it ends. The second process is this file run as a
script, a worker that builds `mkdocs.en.yml` each time it is asked to:

- under `mkdocs build` it builds once and exits;
- under `mkdocs serve` it stays alive between rebuilds, so that a rebuild does
  not pay again for starting Python and importing MkDocs, its plugins and the
  libraries the snippets use (torch alone takes seconds).

This module keeps the worker in a module variable: `mkdocs serve` loads
hooks.py afresh for every rebuild, but this module stays imported.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

TAG = "@@rnnbook-en "  # marks the worker's answers among anything else printed

_worker: subprocess.Popen | None = None


def start(config_file: Path, site_dir: Path, keep: bool) -> None:
    """Ask the worker (started if needed) to build config_file into site_dir.

    keep: leave the worker running after this build, for the next one.
    """
    global _worker
    if _worker is None or _worker.poll() is not None:
        _worker = subprocess.Popen(
            [sys.executable, __file__], cwd=config_file.parent, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    _worker.stdin.write(json.dumps({"config": str(config_file),
                                    "site_dir": str(site_dir)}) + "\n")
    _worker.stdin.flush()
    if not keep:
        _worker.stdin.close()


def finish(site_dir: Path) -> dict:
    """Wait for the build into site_dir: {"ok": bool, "warnings": [...], "error": str}.

    Answers to earlier requests are skipped: a Korean build that failed before
    its end never read the answer to its own request.
    """
    lines = []
    for line in _worker.stdout:
        if line.startswith(TAG):
            answer = json.loads(line[len(TAG):])
            if answer["site_dir"] != str(site_dir):
                continue
            if _worker.stdin.closed:  # a single build: let the worker exit
                _close()
            return answer
        lines.append(line)
    _close()
    return {"ok": False, "warnings": [],
            "error": "the English build stopped:\n" + "".join(lines[-40:])}


def stop() -> None:
    if _worker is not None:
        _worker.kill()
        _close()


def _close() -> None:
    """Wait for the worker to end and close its pipes."""
    global _worker
    if not _worker.stdin.closed:
        _worker.stdin.close()
    _worker.stdout.read()
    _worker.stdout.close()
    _worker.wait()
    _worker = None


class _Collect(logging.Handler):
    """Keeps the warnings of one build, to send them to the Korean build."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(self.format(record))


def _serve_requests() -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    collect = _Collect()
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(collect)
    mkdocs_log.setLevel(logging.INFO)
    mkdocs_log.propagate = False
    for line in sys.stdin:
        request = json.loads(line)
        collect.messages.clear()
        answer = {"ok": True, "error": ""}
        try:
            config = load_config(request["config"], site_dir=request["site_dir"])
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except Exception as error:  # noqa: BLE001 - reported to the Korean build
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        answer["warnings"] = list(collect.messages)
        answer["site_dir"] = request["site_dir"]
        print(TAG + json.dumps(answer), flush=True)


if __name__ == "__main__":
    _serve_requests()
