"""Fixtures for the site tests: building the real site, or a small copy of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Files that make the site's machinery (copied into a small test project).
MACHINERY = ["mkdocs.yml", "mkdocs.en.yml", "scripts", "overrides", "docs/assets"]


def run_build(project: Path, out_dir: Path, strict: bool = True):
    """Run `mkdocs build` on project/mkdocs.yml; return the CompletedProcess."""
    command = [sys.executable, "-m", "mkdocs", "build", "-f",
               str(project / "mkdocs.yml"), "-d", str(out_dir)]
    if strict:
        command.append("--strict")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(command, cwd=project, capture_output=True, text=True,
                          env=env, timeout=600)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole book, both languages, built once per test session (strict)."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = run_build(ROOT, out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def make_small_project(dest: Path, pages: dict[str, tuple[str, str]]) -> Path:
    """A copy of the site machinery with only the given pages.

    `pages` maps a file name to its (Korean, English) Markdown; None leaves
    that language's file out. The nav of both configs lists the pages.
    """
    for name in MACHINERY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(src, dest / name)
    nav = "nav:\n" + "".join(f"  - {name}\n" for name in pages)
    for config in ["mkdocs.yml", "mkdocs.en.yml"]:
        text = (dest / config).read_text(encoding="utf-8")
        text = re.sub(r"\nnav:\n(.|\n)*\Z", "\n" + nav, text)
        (dest / config).write_text(text, encoding="utf-8")
    for name, texts in pages.items():
        for lang, text in zip(["ko", "en"], texts):
            if text is not None:
                path = dest / "docs" / lang / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    # the real package, so that pages can import rnnbook
    shutil.copytree(ROOT / "rnnbook", dest / "rnnbook",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest
