"""One site in two languages: the Korean build also builds the English one.

Material for MkDocs supports one language per configuration, so the site is
two MkDocs projects: `mkdocs.yml` (Korean, at the site root) and
`mkdocs.en.yml` (English, inheriting it, under `en/`). When the Korean build
starts, `start_english()` asks a second process, a worker, to build the
English site into a temporary folder; when it ends, `finish_english()` waits
for it, hands back its warnings and copies it into `site/en/`.

The worker is this module run as `python -m bookbuild.languages`. It builds
`mkdocs.en.yml` each time it is asked to:

- under `mkdocs build` it builds once and exits;
- under `mkdocs serve` it stays alive between rebuilds, so that a rebuild does
  not pay again for starting Python and importing MkDocs, its plugins and the
  libraries the snippets use (torch alone takes seconds).

The worker is kept in a module variable: `mkdocs serve` loads
scripts/hooks.py afresh for every rebuild, but this module stays imported
(see `snippets.forget_page_modules`).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Each language: where its pages live below the site root.
LANGUAGES = {"ko": "", "en": "en/"}
PRIMARY_CONFIG = "mkdocs.yml"
SECOND_CONFIG = "mkdocs.en.yml"
TAG = "@@rnnbook-en "  # marks the worker's answers among anything else printed

_worker: subprocess.Popen | None = None


def is_primary(config) -> bool:
    """True for the Korean build, which also starts the English one."""
    return Path(config.config_file_path).name == PRIMARY_CONFIG


def language(config) -> str:
    """The build's language code ("ko" or "en")."""
    return config.theme["language"]


# ------------------------------------------------ the Korean build's side


def start_english(root: Path, keep: bool) -> Path:
    """Start building root/mkdocs.en.yml; returns the folder it builds into."""
    out_dir = Path(tempfile.mkdtemp(prefix="rnnbook-en-"))
    start(root / SECOND_CONFIG, out_dir, keep=keep)
    return out_dir


def finish_english(out_dir: Path, site_dir: Path) -> dict:
    """Wait for the English build into out_dir and move it to site_dir/en/.

    Returns the worker's answer: {"ok": bool, "warnings": [...], "error": str}.
    Nothing is copied when the build failed.
    """
    answer = finish(out_dir)
    if answer["ok"]:
        target = Path(site_dir) / LANGUAGES["en"]
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(out_dir, target)
    shutil.rmtree(out_dir, ignore_errors=True)
    return answer


def start(config_file: Path, site_dir: Path, keep: bool) -> None:
    """Ask the worker (started if needed) to build config_file into site_dir.

    keep: leave the worker running after this build, for the next one.
    """
    global _worker
    if _worker is None or _worker.poll() is not None:
        # run from the project folder, so that `-m` finds its bookbuild/
        _worker = subprocess.Popen(
            [sys.executable, "-m", "bookbuild.languages"], cwd=config_file.parent,
            text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
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
    """End the worker, if one runs."""
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


# ------------------------------------------------ the worker's side


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
