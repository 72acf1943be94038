"""Build (and optionally serve) a copy of the site with only some pages in full.

    python scripts/preview.py rnn.md lstm.md            # build, print warnings
    python scripts/preview.py --serve 8001 rnn.md       # then serve on 127.0.0.1:8001

The other pages are replaced by their headings only, so links and anchors to
them still resolve while their snippets are not run; the API reference is
always built in full, so that references to it resolve. Writers use it to check
their chapters quickly; the tests use `copy_project` to build small sites.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bookbuild/

from bookbuild.local_site import serve  # noqa: E402

# what pages need besides docs/: configs, hooks, assets, benchmark results, and
# what the rnnbook wheel of the Run buttons is built from (bookbuild/runner.py)
MACHINERY = ["mkdocs.yml", "mkdocs.en.yml", "scripts", "bookbuild", "overrides",
             "docs/assets", "bench", "pyproject.toml", "README.md"]
HEADING = re.compile(r"^#{1,6} ")


def copy_project(dest: Path, pages: dict[str, tuple[str | None, str | None]],
                 nav: list[str] | None = None) -> Path:
    """Copy the site's machinery and the package to `dest`, with given pages.

    Args:
        dest: an empty or missing folder.
        pages: file name -> (Korean Markdown, English Markdown); None leaves
            that language's file out.
        nav: the page files of both navs (default: the keys of `pages`).

    Returns:
        `dest`, ready for `mkdocs build -f dest/mkdocs.yml`.
    """
    for name in MACHINERY:
        src, target = ROOT / name, dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, target)
    shutil.copytree(ROOT / "rnnbook", dest / "rnnbook",
                    ignore=shutil.ignore_patterns("__pycache__"))
    if (ROOT / ".deps").exists():  # Pyodide, fetched by `make install` (not in git)
        (dest / ".deps").symlink_to(ROOT / ".deps", target_is_directory=True)
    entries = "".join(f"  - {name}\n" for name in (nav or list(pages)))
    for config in ["mkdocs.yml", "mkdocs.en.yml"]:
        text = (dest / config).read_text(encoding="utf-8")
        text = re.sub(r"\nnav:\n(.|\n)*\Z", "\nnav:\n" + entries, text)
        (dest / config).write_text(text, encoding="utf-8")
    for name, texts in pages.items():
        for lang, text in zip(["ko", "en"], texts):
            if text is not None:
                path = dest / "docs" / lang / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return dest


def headings_only(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n\n".join(line for line in lines if HEADING.match(line)) + "\n"


def book_pages(full: list[str]) -> dict[str, tuple[str, str]]:
    """Every page of the book: those in `full` as they are, others as headings."""
    pages = {}
    for ko in sorted((ROOT / "docs/ko").rglob("*.md")):
        name = ko.relative_to(ROOT / "docs/ko").as_posix()
        en = ROOT / "docs/en" / name
        if name in full or name == "api.md" or name.startswith("api/"):
            pages[name] = (ko.read_text(encoding="utf-8"), en.read_text(encoding="utf-8"))
        else:
            pages[name] = (headings_only(ko), headings_only(en))
    return pages


def book_nav() -> list[str]:
    """The page files of mkdocs.yml's nav, in order, sections' pages included."""
    return re.findall(r"^ +- .*: (\S+\.md)$",
                      (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", help="page files, e.g. rnn.md")
    parser.add_argument("--serve", type=int, metavar="PORT")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rnnbook-preview-"))
    project = copy_project(work / "project", book_pages(args.pages), book_nav())
    out = work / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
         str(project / "mkdocs.yml"), "-d", str(out)], env=env)
    print(f"built into {out} (exit code {result.returncode})")
    if args.serve:
        with serve(out, args.serve) as url:
            print(f"serving on {url} (Ctrl-C stops)")
            with contextlib.suppress(KeyboardInterrupt):
                threading.Event().wait()
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
