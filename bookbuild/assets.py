"""Files the site serves besides its pages: docs/assets/ and MathJax's fonts.

Both languages get the same files, so no page loads anything from another
host. `site_assets()` lists them as (source file, URI in the site) pairs;
scripts/hooks.py adds them to MkDocs' files.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookbuild import math

_MKDOCSTRINGS_CSS = re.compile(r'\s*<link rel="stylesheet" href="[^"]*assets/_mkdocstrings\.css">')


def shared_assets(folder: Path):
    """(file, "assets/...") for every file below `folder` (docs/assets/)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path, "assets/" + path.relative_to(folder).as_posix()


def site_assets(folder: Path):
    """Every asset file of one language's site, in a fixed order."""
    yield from shared_assets(folder)
    yield from math.font_files()  # for the equations typeset at build time


def drop_unused_stylesheets(page_html: str) -> str:
    """Only pages with API documentation (the API reference) load mkdocstrings' CSS.

    mkdocstrings adds its stylesheet to every page; its rules style the
    `doc doc-…` elements it writes for documented objects.
    """
    if 'class="doc doc-' in page_html:
        return page_html
    return _MKDOCSTRINGS_CSS.sub("", page_html, count=1)
