"""Files the site serves besides its pages: docs/assets/ and a local MathJax.

Both languages get the same files, so no page loads anything from another
host. `site_assets()` lists them as (source file, URI in the site) pairs;
scripts/hooks.py adds them to MkDocs' files.
"""

from __future__ import annotations

from pathlib import Path


def shared_assets(folder: Path):
    """(file, "assets/...") for every file below `folder` (docs/assets/)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield path, "assets/" + path.relative_to(folder).as_posix()


def mathjax_files():
    """MathJax 3 (CommonHTML output) from the django-static-mathjax package."""
    import mathjax  # the package's import name

    es5 = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    wanted = [es5 / "tex-chtml.js"]
    for folder in ["input/tex/extensions", "output/chtml", "a11y", "ui", "sre"]:
        wanted += [p for p in sorted((es5 / folder).rglob("*")) if p.is_file()]
    for path in wanted:
        yield path, "assets/mathjax/" + path.relative_to(es5).as_posix()


def site_assets(folder: Path):
    """Every asset file of one language's site, in a fixed order."""
    yield from shared_assets(folder)
    yield from mathjax_files()
