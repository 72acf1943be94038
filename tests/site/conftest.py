"""Fixtures for the site tests: building the real site, or a small copy of it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))  # bookbuild/

from preview import copy_project  # noqa: E402


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


def make_small_project(dest: Path, pages: dict) -> Path:
    """A copy of the site machinery with only the given pages (see preview.py)."""
    return copy_project(dest, pages)
