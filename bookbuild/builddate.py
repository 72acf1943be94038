"""The build date is the last commit's time, so two builds of one commit are
byte-identical (MkDocs and its plugins read SOURCE_DATE_EPOCH)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def last_commit_time(root: Path) -> str:
    """Seconds since 1970 of the last commit in `root`, as text ("0" without git)."""
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%ct"],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout.strip()
        return out or "0"
    except (OSError, subprocess.CalledProcessError):
        return "0"


def fix_build_date(root: Path) -> None:
    """Set SOURCE_DATE_EPOCH to the last commit's time, unless it is set."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", last_commit_time(root))
