"""Equations typeset when the site is built, so pages need no math script.

`pymdownx.arithmatex` (generic mode) leaves each equation in the page as TeX:
`<span class="arithmatex">\\(...\\)</span>` inline and
`<div class="arithmatex">\\[...\\]</div>` displayed. `typeset_page` replaces
the TeX inside each of them by MathJax 3's CommonHTML, rendered by one node
process per language build (`Typesetter`, running bookbuild/tex2chtml.js with
the MathJax of the django-static-mathjax package). Each equation also carries
MathJax's assistive MathML, which screen readers read.

The CHTML markup needs one stylesheet, for all the equations of a build:
`Typesetter.stylesheet()` gives it once the pages are done, and the build
writes it to `assets/mathjax/chtml.css`; its fonts are served from
`assets/mathjax/woff-v2/` (see `font_files`). Pages with math link the
stylesheet (`link_stylesheet`) and ask for the fonts their equations use
before the browser finds them in the stylesheet; pages without math load
nothing for it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).with_name("tex2chtml.js")
STYLESHEET = "assets/mathjax/chtml.css"  # below each language's root
MATH_FOLDER = STYLESHEET.rsplit("/", 1)[0]  # the stylesheet's, with the fonts below it
FONT_FOLDER = "woff-v2"  # below the stylesheet's folder
NODE_MISSING = (
    "node (Node.js) is needed to typeset the equations when the site is built, "
    "and was not found on PATH. Install it: `apt-get install nodejs` on Debian or "
    "Ubuntu (or `bash scripts/system-deps.sh`), or see https://nodejs.org/."
)

# arithmatex's output: the wrapper element, and the TeX inside it (HTML-escaped)
_EQUATION = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.S)
# in the stylesheet: each font file, and the font families a class of the CHTML uses
_FONT_FACE = re.compile(r'@font-face[^{]*\{\s*font-family: (?P<family>[\w-]+);\s*'
                        r'src: url\("(?P<url>[^"]+)"\)')
_FONT_CLASS = re.compile(r"^\.(?P<name>MJX-TEX|TEX-\w+) \{\s*font-family: (?P<families>[^;]+);", re.M)
# in a page: the classes that choose a font (mjx-math has MJX-TEX, a glyph TEX-I, ...)
_PAGE_FONT_CLASS = re.compile(r'class="[^"]*\b(MJX-TEX|TEX-\w+)\b')
_DELIMITED = re.compile(r"\A\s*\\(?:\((?P<inline>.*)\\\)|\[(?P<display>.*)\\\])\s*\Z", re.S)


class TeXError(Exception):
    """An equation MathJax could not typeset."""


def mathjax_es5() -> Path:
    """MathJax 3's es5/ folder, from the django-static-mathjax package."""
    import mathjax  # the package's import name

    return Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"


def font_files():
    """(file, URI in the site) of the CHTML fonts the stylesheet refers to."""
    fonts = mathjax_es5() / "output" / "chtml" / "fonts" / FONT_FOLDER
    for path in sorted(fonts.glob("*.woff")):
        yield path, f"{MATH_FOLDER}/{FONT_FOLDER}/{path.name}"


def split_tex(content: str) -> tuple[str, bool]:
    """(TeX, display?) of one arithmatex element's HTML-escaped content.

    >>> split_tex(r"\\(a &lt; b\\)")
    ('a < b', False)
    >>> split_tex("\\\\begin{aligned}x\\\\end{aligned}")
    ('\\\\begin{aligned}x\\\\end{aligned}', True)
    """
    tex = html.unescape(content)
    m = _DELIMITED.match(tex)
    if m is None:  # a bare environment such as \begin{align}...\end{align}
        return tex.strip(), True
    if m["inline"] is not None:
        return m["inline"].strip(), False
    return m["display"].strip(), True


class Typesetter:
    """One node process that typesets TeX for a whole build.

    Equations met twice are typeset once. `close()` ends the process.
    """

    def __init__(self, node: str | None = None):
        node = node or shutil.which("node")
        if node is None:
            raise RuntimeError(NODE_MISSING)
        self._process = subprocess.Popen(
            [node, str(SCRIPT), str(mathjax_es5()), FONT_FOLDER],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8")
        self._done: dict[tuple[str, bool], dict] = {}
        self._fonts: dict[str, list[str]] | None = None

    def _ask(self, request: dict) -> dict:
        try:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            line = self._process.stdout.readline()
        except BrokenPipeError:
            line = ""
        if not line:
            error = self._process.stderr.read() if self._process.poll() is not None else ""
            raise RuntimeError(f"the MathJax node process stopped: {error.strip()}")
        return json.loads(line)

    def typeset(self, equations: list[tuple[str, bool]]) -> list[dict]:
        """{"html": ...} or {"error": ...} for each (TeX, display?)."""
        new = [eq for eq in dict.fromkeys(equations) if eq not in self._done]
        if new:
            results = self._ask({"equations": new})["results"]
            self._done.update(zip(new, results))
        return [self._done[eq] for eq in equations]

    def stylesheet(self) -> str:
        """The CSS for every equation typeset so far."""
        return self._ask({"stylesheet": True})["css"]

    def fonts(self) -> dict[str, list[str]]:
        """The font files (relative to the stylesheet) each font class uses.

        {"MJX-TEX": ["woff-v2/MathJax_Zero.woff", "woff-v2/MathJax_Main-Regular.woff"],
        "TEX-I": [..., "woff-v2/MathJax_Math-Italic.woff"], ...}, read from the
        stylesheet once per build (the font rules do not depend on the equations).
        """
        if self._fonts is None:
            self._fonts = fonts_by_class(self.stylesheet())
        return self._fonts

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.stdin.close()
            self._process.wait(timeout=10)
        self._process.stdout.close()
        self._process.stderr.close()


_current: Typesetter | None = None  # the build's; kept across `mkdocs serve` rebuilds


def start() -> None:
    """Start this build's typesetter (ending one a failed build left running)."""
    global _current
    stop()
    _current = Typesetter()


def current() -> Typesetter:
    if _current is None:
        raise RuntimeError("bookbuild.math.start() was not called for this build")
    return _current


def finish(site_dir: Path) -> None:
    """Write the build's stylesheet into site_dir and end the typesetter."""
    css = current().stylesheet()
    path = Path(site_dir) / STYLESHEET
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(css, encoding="utf-8")
    stop()


def stop() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None


def typeset_page(page_html: str, typesetter: Typesetter) -> tuple[str, list[str]]:
    """Replace the TeX of every arithmatex element of a page by its CHTML.

    Returns the new HTML and one message per equation MathJax rejected
    (the TeX is left in place for those).
    """
    found = list(_EQUATION.finditer(page_html))
    if not found:
        return page_html, []
    equations = [split_tex(m["tex"]) for m in found]
    results = typesetter.typeset(equations)
    errors, parts, end = [], [], 0
    for number, (m, (tex, _), result) in enumerate(zip(found, equations, results), 1):
        if "error" in result:
            errors.append(f"TeX error in equation {number} ({tex[:60]}): {result['error']}")
            continue
        parts += [page_html[end:m.start("tex")], result["html"]]
        end = m.end("tex")
    parts.append(page_html[end:])
    return "".join(parts), errors


def fonts_by_class(stylesheet: str) -> dict[str, list[str]]:
    """{font class: [font file, ...]} from the CHTML stylesheet (see Typesetter.fonts)."""
    files = {m["family"]: m["url"] for m in _FONT_FACE.finditer(stylesheet)}
    return {m["name"]: [files[f.strip()] for f in m["families"].split(",") if f.strip() in files]
            for m in _FONT_CLASS.finditer(stylesheet)}


def page_fonts(page_html: str, fonts: dict[str, list[str]]) -> list[str]:
    """The font files a page's equations use, in the stylesheet's order."""
    used = set(_PAGE_FONT_CLASS.findall(page_html))
    files = [file for name, files in fonts.items() if name in used for file in files]
    return list(dict.fromkeys(files))


def link_stylesheet(page_html: str, page_url: str, fonts: dict[str, list[str]]) -> str:
    """Link the math stylesheet from a page with typeset equations, after the theme's CSS,
    and preload the fonts its equations use.

    Without the preload, the browser asks for a font only once it has laid out
    an equation that needs it, and lays the page out again when it arrives.
    page_url: the page's directory-style URL below its language's root ("lstm/").
    fonts: Typesetter.fonts().
    """
    if "<mjx-container" not in page_html:
        return page_html
    up = "../" * page_url.count("/")
    link = f'<link rel="stylesheet" href="{up}{STYLESHEET}">' + "".join(
        f'\n    <link rel="preload" href="{up}{MATH_FOLDER}/{file}" as="font" type="font/woff" crossorigin>'
        for file in page_fonts(page_html, fonts))
    theme = list(re.finditer(r'<link rel="stylesheet" href="[^"]*assets/stylesheets/[^"]*">',
                             page_html))
    at = theme[-1].end() if theme else page_html.index("</head>")
    return page_html[:at] + "\n    " + link + page_html[at:]
