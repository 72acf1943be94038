"""A Jupyter notebook per chapter, made from the page's Markdown when the site is built.

Each chapter page (a page with at least one shown Python block) gets a
notebook in its language, `notebooks/<page>.ipynb` in that language's site,
and a download link under its title:

- the first cell names the chapter and says what to install: the rnnbook
  wheel served by the site, NumPy, and torch only if a code cell imports it;
- the text becomes Markdown cells. Admonitions and collapsible blocks
  (exercises, solutions, notes) become quotes under a bold title; tabs
  become a bold title over their content; links to other pages point at
  the hosted site;
- every shown Python block becomes a code cell, in page order, with the
  output the build printed for it stored as the cell's output;
- a hidden block's output takes its place in the text: a figure (SVG)
  becomes an image attached to the Markdown cell, printed Markdown (a
  table, a number) is inserted as Markdown.

The outputs are the build's own: while the site is built, markdown-exec's
runner is wrapped (`start_build`) to record each block's code and output.
`notebook()` works without MkDocs; tests/build/test_notebooks.py tests it and
tests/site/test_notebooks_run.py runs every notebook in a fresh kernel.
"""

from __future__ import annotations

import base64
import functools
import html
import re
import tomllib
from pathlib import Path

import nbformat

from bookbuild.languages import LANGUAGES
from bookbuild.runner import SITE_FOLDER, SHOWN_SOURCE, imported_modules

FOLDER = "notebooks/"  # in each language's site
EXCLUDED = {"index.md"}  # the home page links the PDF and the wheel instead

TEXT = {
    "ko": {
        "link": "이 장을 Jupyter 노트북으로 받기",
        "install": "이 노트북을 실행하려면 먼저 다음을 설치한다.",
        "page": "웹 페이지",
        "solution": "풀이",
    },
    "en": {
        "link": "Download this chapter as a Jupyter notebook",
        "install": "To run this notebook, first install:",
        "page": "web page",
        "solution": "Solution",
    },
}

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_OPTION = re.compile(r'(\w+)="([^"]*)"')
_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$')
_TAB = re.compile(r'^===\+?\s+"(?P<title>[^"]*)"\s*$')
_HEADING_ATTRS = re.compile(r"\s*\{\s*[#.:][^}]*\}\s*$")
_LINK_ATTRS = re.compile(r"(\]\([^)]*\))\{[:.#][^}]*\}")
_PAGE_LINK = re.compile(r"\]\((?P<page>[\w./-]+?)\.md(?P<anchor>#[^)\s]*)?\)")
_ABBREVIATION = re.compile(r"^\*\[[^\]]+\]:")
_AUTOREF = re.compile(r"\[(?P<text>[^\]]+)\]\[(?P<target>[\w.]*)\]")  # mkdocstrings' [rnnbook.RNN][]
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_ALT = re.compile(r'aria-label="([^"]*)"')
_CAPTION = re.compile(r"<figcaption>(.*?)</figcaption>", re.S)


@functools.cache
def api_pages() -> dict[str, str]:
    """{"rnnbook.layers": "api/layers", ...}: the API page that documents each module
    (its `::: rnnbook.layers` line in docs/ko/api/; the English pages match)."""
    folder = Path(__file__).resolve().parents[1] / "docs" / "ko" / "api"
    return {m[1]: f"api/{path.stem}" for path in sorted(folder.glob("*.md"))
            for m in re.finditer(r"^::: (rnnbook\.\w+)$", path.read_text("utf-8"), re.M)}


def api_address(target: str) -> tuple[str, str]:
    """(API page, anchor there) of an object the text names.

    >>> api_address("rnnbook.rnn.forward")
    ('api/cells', 'rnnbook.rnn.forward')
    >>> api_address("rnnbook.RNN")  # imported at the top; documented in rnnbook.layers
    ('api/layers', 'rnnbook.layers.RNN')
    """
    parts = target.split(".")  # ["rnnbook", "RNN"], ["rnnbook", "rnn", "forward"]
    if len(parts) == 2 and target not in api_pages():  # a name imported at the top
        import rnnbook

        documented = getattr(getattr(rnnbook, parts[1], None), "__module__", "rnnbook")
        target = f"{documented}.{parts[1]}"
    module = ".".join(target.split(".")[:2])
    return api_pages().get(module, "api"), target


class NotebookError(Exception):
    """A shown block has no recorded output (the page and the build disagree)."""


# ------------------------------------------------------------ what to install


def wheel_name(root: Path) -> str:
    """The rnnbook wheel's file name, from pyproject.toml's version."""
    project = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]
    return f"rnnbook-{project['version']}-py3-none-any.whl"


def root_url(site_url: str, language: str) -> str:
    """The site root's address, from one language's site_url ("…/en/" -> "…/")."""
    url = site_url if site_url.endswith("/") else site_url + "/"
    suffix = LANGUAGES[language]
    return url[: -len(suffix)] if suffix and url.endswith(suffix) else url


def wheel_url(site_url: str, language: str, wheel: str) -> str:
    """Where the hosted site serves the rnnbook wheel (built by bookbuild.runner)."""
    return root_url(site_url, language) + SITE_FOLDER + wheel


def pip_command(site_url: str, language: str, wheel: str, torch: bool = False) -> str:
    """The one pip command that installs what a notebook (or the package) needs."""
    packages = [wheel_url(site_url, language, wheel), "numpy"] + (["torch"] if torch else [])
    return "pip install " + " ".join(packages)


# ------------------------------------------------------------ Markdown -> cells


def _normalized(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.strip("\n").splitlines()).strip()


class _Cells:
    """Collects cells: Markdown lines until a code cell interrupts them."""

    def __init__(self, outputs: list[tuple[str, str]], page_url):
        self.cells: list = []
        self.lines: list[str] = []
        self.attachments: dict = {}
        self.outputs = list(outputs)  # (code, output) in the order the build ran them
        self.page_url = page_url  # "rnn.md" -> the hosted page's address
        self.figures = 0

    def text(self, line: str, prefix: str) -> None:
        if _ABBREVIATION.match(line):
            return
        if line.lstrip().startswith("#"):
            line = _HEADING_ATTRS.sub("", line)
        line = _LINK_ATTRS.sub(r"\1", line)
        line = _PAGE_LINK.sub(lambda m: f"]({self.page_url(m['page'])}{m['anchor'] or ''})", line)
        line = _AUTOREF.sub(self._api_link, line)
        new = (prefix + line).rstrip() if line.strip() else prefix.rstrip()
        if new.strip(" >") or not self.lines or self.lines[-1].strip(" >"):
            self.lines.append(new)  # one blank line between blocks
        elif len(new) < len(self.lines[-1]):
            self.lines[-1] = new  # a quote ends here

    def _api_link(self, m) -> str:
        """[rnnbook.RNN][] -> a link to the API reference on the hosted site."""
        target = m["target"] or m["text"].strip("`")
        if not re.fullmatch(r"rnnbook(\.\w+)*", target):
            return m[0]
        text = m["text"] if m["target"] else f"`{target}`"
        page, anchor = api_address(target)
        return f"[{text}]({self.page_url(page)}#{anchor})"

    def flush(self) -> None:
        while self.lines and not self.lines[-1].strip(" >"):
            self.lines.pop()
        while self.lines and not self.lines[0].strip(" >"):
            self.lines.pop(0)
        if self.lines:
            cell = nbformat.v4.new_markdown_cell("\n".join(self.lines))
            if self.attachments:
                cell["attachments"] = self.attachments
            self.cells.append(cell)
        self.lines, self.attachments = [], {}

    def output_of(self, code: str) -> str:
        """The build's output for this block (the first unused one with this code)."""
        wanted = _normalized(code)
        for k, (ran, output) in enumerate(self.outputs):
            if _normalized(ran) == wanted:
                del self.outputs[k]
                return output
        raise NotebookError(f"no recorded output for the block starting {wanted[:60]!r}")

    def code(self, code: str, output: str) -> None:
        self.flush()
        cell = nbformat.v4.new_code_cell(code.strip("\n"))
        if output:
            cell["outputs"] = [nbformat.v4.new_output("stream", name="stdout", text=output)]
        self.cells.append(cell)

    def hidden(self, output: str, is_html: bool, prefix: str) -> None:
        """A hidden block's output, in the text: a figure, HTML or Markdown."""
        svg = _SVG.search(output) if is_html else None
        if svg:
            self.figures += 1
            name = f"figure-{self.figures}.svg"
            alt = html.unescape(_ALT.search(svg[0])[1]) if _ALT.search(svg[0]) else name
            data = base64.b64encode(svg[0].encode("utf-8")).decode("ascii")
            self.attachments[name] = {"image/svg+xml": data}
            self.text("", prefix)
            self.text(f"![{alt.replace(']', ')')}](attachment:{name})", prefix)
            caption = _CAPTION.search(output)
            if caption:
                self.text("", prefix)
                self.text(f"*{html.unescape(caption[1]).strip()}*", prefix)
            self.text("", prefix)
        else:
            for line in output.strip("\n").splitlines():
                self.text(line, prefix)


def _block(lines: list[str], start: int, indent: int) -> int:
    """End (exclusive) of the indented body that starts at `start`."""
    end = start
    for k in range(start, len(lines)):
        if lines[k].strip() and len(lines[k]) - len(lines[k].lstrip()) < indent:
            break
        end = k + 1 if lines[k].strip() else end
    return max(end, start)


def _convert(lines: list[str], cells: _Cells, prefix: str, language: str) -> None:
    i = 0
    while i < len(lines):
        line = lines[i]
        admonition, tab, fence = _ADMONITION.match(line), _TAB.match(line), _FENCE.match(line)
        if admonition or tab:
            end = _block(lines, i + 1, 4)
            body = [text[4:] for text in lines[i + 1:end]]
            if admonition:
                title = admonition["title"]
                if title is None:
                    title = admonition["kind"].capitalize()
                cells.text("", prefix)
                if title:
                    cells.text(f"**{title}**", prefix + "> ")
                    cells.text("", prefix + "> ")
                _convert(body, cells, prefix + "> ", language)
            else:
                cells.text("", prefix)
                cells.text(f"**{tab['title']}**", prefix)
                cells.text("", prefix)
                _convert(body, cells, prefix, language)
            cells.text("", prefix)
            i = end
            continue
        if fence:
            indent = len(fence["indent"])
            closing = re.compile(rf"^[ \t]*{re.escape(fence['fence'])}\s*$")
            j = i + 1
            while j < len(lines) and not closing.match(lines[j]):
                j += 1
            body = [text[indent:] for text in lines[i + 1:j]]
            words, options = fence["info"].split(), dict(_OPTION.findall(fence["info"]))
            executed = (words and words[0] in ("python", "py")
                        and options.get("exec") in ("on", "1", "true"))
            if executed:
                code = "\n".join(body)
                output = cells.output_of(code)
                if options.get("source") in SHOWN_SOURCE:
                    cells.code(code, output)
                else:
                    cells.hidden(output, options.get("html") in ("1", "true", "on"), prefix)
            else:
                for text in lines[i:j + 1]:
                    cells.text(text[indent:], prefix)
            i = j + 1
            continue
        cells.text(line, prefix)
        i += 1


def notebook(markdown: str, outputs: list[tuple[str, str]], *, language: str,
             site_url: str, page: str, wheel: str):
    """The chapter's notebook (nbformat v4) from its Markdown and the build's outputs.

    markdown: the page's Markdown; outputs: (code, printed output) of every
    executed block, in the order the build ran them; language: "ko" or "en";
    site_url: this language's site address; page: the page's file ("rnn.md");
    wheel: the rnnbook wheel's file name. Raises NotebookError when an
    executed block has no recorded output.
    """
    if language not in TEXT:
        raise ValueError(f"language: expected one of {sorted(TEXT)}, received {language!r}")
    base = site_url if site_url.endswith("/") else site_url + "/"

    def page_url(name: str) -> str:
        name = name.removeprefix("./")
        if name == "index":
            return base
        return base + (name.removesuffix("/index") + "/")

    cells = _Cells(outputs, page_url)
    body = markdown.splitlines()
    title = next((line[2:].strip() for line in body if line.startswith("# ")), page)
    if body and body[0].startswith("# "):
        body = body[1:]
    _convert(body, cells, "", language)
    cells.flush()
    uses_torch = any("torch" in imported_modules(cell["source"])
                     for cell in cells.cells if cell["cell_type"] == "code")
    words = TEXT[language]
    first = nbformat.v4.new_markdown_cell("\n".join([
        f"# {_HEADING_ATTRS.sub('', title)}",
        "",
        f"[{words['page']}]({page_url(page.removesuffix('.md'))})",
        "",
        words["install"],
        "",
        "```",
        pip_command(site_url, language, wheel, uses_torch),
        "```",
    ]))
    nb = nbformat.v4.new_notebook(cells=[first] + cells.cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    count = 0
    for k, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{k}"  # fixed ids: the same page gives the same file
        if cell["cell_type"] == "code":
            count += 1
            cell["execution_count"] = count
            for output in cell["outputs"]:
                output.pop("execution_count", None)
    nbformat.validate(nb)
    return nb


def is_chapter(src_uri: str, markdown: str) -> bool:
    """A page gets a notebook when it shows at least one Python block."""
    if src_uri in EXCLUDED:
        return False
    for line in markdown.splitlines():
        m = _FENCE.match(line)
        if m and m["info"].split()[:1] in (["python"], ["py"]):
            options = dict(_OPTION.findall(m["info"]))
            if options.get("exec") in ("on", "1", "true") and options.get("source") in SHOWN_SOURCE:
                return True
    return False


def notebook_file(src_uri: str) -> str:
    """The notebook's path in its language's site ("rnn.md" -> "notebooks/rnn.ipynb")."""
    return FOLDER + src_uri.removesuffix(".md").replace("/", "-") + ".ipynb"


def download_link(src_uri: str, page_url: str, language: str) -> str:
    """The chapter page's link to its notebook (HTML, placed under the title)."""
    href = "../" * page_url.count("/") + notebook_file(src_uri)
    name = href.rsplit("/", 1)[-1]
    return (f'<p class="rb-notebook"><a href="{href}" download="{name}">'
            f"{TEXT[language]['link']} ({name})</a></p>")


# ------------------------------------------------------------ during the build


class Recorder:
    """The outputs of the page being built, and the notebooks made so far."""

    outputs: list = []
    markdown: str | None = None
    failed = False  # a block of the page failed
    notebooks: dict = {}  # site path -> notebook


def start_build() -> None:
    """Record every block markdown-exec runs (wraps its runner once per build)."""
    from markdown_exec._internal.formatters import python as mx_python

    Recorder.notebooks = {}
    current = mx_python._run_python
    if getattr(current, "_rnnbook_notebooks", False):
        return

    def recording(code, *args, **kwargs):
        try:
            output = current(code, *args, **kwargs)
        except Exception:
            Recorder.failed = True  # markdown-exec warns; this page gets no notebook
            raise
        Recorder.outputs.append((code, output))
        return output

    recording._rnnbook_notebooks = True
    mx_python._run_python = recording


def start_page(markdown: str, src_uri: str, page_url: str, language: str) -> str:
    """Remember a chapter's Markdown; put the notebook's link under its title."""
    Recorder.outputs, Recorder.markdown, Recorder.failed = [], None, False
    if not is_chapter(src_uri, markdown):
        return markdown
    Recorder.markdown = markdown
    lines = markdown.split("\n")
    at = next((k + 1 for k, line in enumerate(lines) if line.startswith("# ")), 0)
    lines[at:at] = ["", download_link(src_uri, page_url, language), ""]
    return "\n".join(lines)


def end_page(src_uri: str, language: str, site_url: str, wheel: str) -> None:
    """Make the chapter's notebook from its Markdown and the recorded outputs."""
    if Recorder.markdown is None or Recorder.failed:
        return
    try:
        nb = notebook(Recorder.markdown, Recorder.outputs, language=language,
                      site_url=site_url, page=src_uri, wheel=wheel)
    except NotebookError as error:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"{src_uri}: its notebook: {error}") from None
    Recorder.notebooks[notebook_file(src_uri)] = nb
    Recorder.markdown, Recorder.outputs = None, []


def write(site_dir: Path) -> list[Path]:
    """Write the build's notebooks into its site folder."""
    written = []
    for name, nb in sorted(Recorder.notebooks.items()):
        path = site_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        written.append(path)
    return written
