"""Files the site serves besides its pages: docs/assets/ and MathJax's fonts.

Both languages get the same files, so no page loads anything from another
host. `site_assets()` lists them as (source file, URI in the site) pairs;
scripts/hooks.py adds them to MkDocs' files.
"""

from __future__ import annotations

from pathlib import Path

from bookbuild import math


def shared_assets(folder: Path):
    """(file, "assets/...") for every file below `folder` (docs/assets/)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path, "assets/" + path.relative_to(folder).as_posix()


def site_assets(folder: Path):
    """Every asset file of one language's site, in a fixed order."""
    yield from shared_assets(folder)
    yield from math.font_files()  # for the equations typeset at build time
