"""Figures for the book, made with matplotlib while the site is built.

A page's hidden snippet prints ``bookfig.html(fig, alt)``: the figure as
inline SVG. Text is drawn as paths with a Hangul font that ships with a PyPI
package (NanumGothic from koreanize-matplotlib), so the figure looks the same
on every machine and its labels stay out of the search index. The SVG carries
no date and fixed ids, so two builds give the same bytes.

Figures follow the site's light and dark themes: the background is
transparent, and every colour is written as a CSS variable whose fallback is
the colour itself (the light theme) and whose dark-theme value the figure's
own ``<style>`` sets (see :func:`dark`): black text turns light, white and pale
fills turn dark, and each hue is kept.
"""

from __future__ import annotations

import colorsys
import importlib.util
import io
import logging
import os
import re
import warnings
from html import escape
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

_FONT_NAME = "NanumGothic"


def setup():
    """Register the Hangul font and the book's plot style (idempotent)."""
    # The package ships the font files; importing it would also restyle
    # matplotlib, so only its location is looked up.
    spec = importlib.util.find_spec("koreanize_matplotlib")
    fonts = Path(spec.submodule_search_locations[0]) / "fonts"
    for path in sorted(fonts.glob("NanumGothic*.ttf")):
        font_manager.fontManager.addfont(str(path))
    plt.rcParams.update({
        # Latin letters, digits and math (tick labels such as 10^-3 are
        # mathtext, which has no font fallback) in DejaVu Sans; Hangul falls
        # back to NanumGothic, which has no minus sign (U+2212).
        "font.family": ["DejaVu Sans", _FONT_NAME],
        "axes.unicode_minus": False,
        "svg.fonttype": "path",
        "svg.hashsalt": "rnnbook",
        "figure.dpi": 100,
        "figure.facecolor": "none",   # transparent: the page shows through
        "axes.facecolor": "none",
        "savefig.transparent": True,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "font.size": 11,
    })


def tr(ko: str, en: str) -> str:
    """The label in the language being built (set by scripts/hooks.py).

    Figure code is the same on both language versions of a page; only the
    words differ, and this picks them.
    """
    return en if os.environ.get("RNNBOOK_LANG") == "en" else ko


def figure(*args, **kwargs):
    """``plt.subplots`` with the book's style applied."""
    setup()
    return plt.subplots(*args, **kwargs)


class _MissingGlyphs(logging.Handler):
    """Collects mathtext's "does not have a glyph" messages."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        if "glyph" in record.getMessage():
            self.messages.append(record.getMessage())


def svg(fig) -> str:
    """The figure as an SVG string (closes the figure).

    Raises:
        ValueError: some text would be drawn as boxes because its font has no
            glyph for it (e.g. Hangul inside ``$...$``, which mathtext draws
            with a font that has no Hangul). The build then fails on the page.
    """
    buffer, catch = io.StringIO(), _MissingGlyphs()
    mathtext = logging.getLogger("matplotlib.mathtext")
    mathtext.addHandler(catch)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=".*missing from font")
            fig.savefig(buffer, format="svg", bbox_inches="tight",
                        metadata={"Date": None, "Creator": None})
    except UserWarning as warning:
        catch.messages.append(str(warning))
    finally:
        mathtext.removeHandler(catch)
        plt.close(fig)
    if catch.messages:
        raise ValueError("figure text its font cannot draw: "
                         + "; ".join(catch.messages[:3]))
    text = buffer.getvalue()
    return themed(text[text.index("<svg"):])


# The selector Material for MkDocs puts on <body> in the dark theme.
DARK_SCHEME = '[data-md-color-scheme="slate"]'
_COLOUR = re.compile(r"(fill|stroke|stop-color): (#[0-9a-f]{6})")


def dark(colour: str, stroke: bool = False) -> str:
    """The dark-theme version of a ``#rrggbb`` colour: lightness flipped, hue kept.

    Black text and lines become light grey, white and pale fills become dark
    (near the page's own background), mid tones become a little lighter. A
    pale line (``stroke``) stays a little lighter than a pale fill, so that a
    line drawn faint on purpose is still seen.
    """
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        raise ValueError(f"colour must be '#rrggbb', got {colour!r}")
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    # lightness 0 (black) -> 0.88, 1 (white) -> 0.14 (the slate page is 0.14);
    # dark and mid tones (lines, text) at least 0.66, to stand out on the page;
    # pale fills turn dark and less saturated (a dark saturated area glares)
    flipped = 0.88 - 0.74 * light
    if light <= 0.6:
        light = max(flipped, 0.66)
    elif stroke:
        light = max(flipped, 0.45)
    else:
        light, sat = flipped, sat * 0.6
    r, g, b = colorsys.hls_to_rgb(hue, light, sat)
    return "#" + "".join(f"{round(v * 255):02x}" for v in (r, g, b))


def themed(text: str) -> str:
    """The SVG with every colour as a variable the dark theme overrides.

    ``fill: #3949ab`` becomes ``fill: var(--rf-3949ab, #3949ab)`` (a stroke:
    ``--rf-s-3949ab``); a ``<style>`` in the SVG sets each variable to
    :func:`dark` of its colour under the dark theme, on screen (a printout
    keeps the light colours). Text that matplotlib
    leaves without a fill (black) inherits the root's fill, the variable for
    black.
    """
    def name(prop, colour):
        return f"--rf-{'s-' if prop == 'stroke' else ''}{colour[1:]}"

    used = set(_COLOUR.findall(text)) | {("fill", "#000000")}
    text = _COLOUR.sub(lambda m: f"{m[1]}: var({name(m[1], m[2])}, {m[2]})", text)
    values = "".join(f"{name(prop, c)}: {dark(c, prop == 'stroke')}; "
                     for prop, c in sorted(used))
    # on screen only: a dark-theme reader's printout is black on white (extra.css)
    style = f"<style>@media screen {{ {DARK_SCHEME} .rnnbook-figure {{ {values}}} }}</style>"
    return text.replace(
        "<svg ", '<svg style="fill: var(--rf-000000, #000000)" ', 1).replace(
        "<defs>", "<defs>\n  " + style, 1)


def html(fig, alt: str, caption: str | None = None) -> str:
    """The figure as HTML for a markdown-exec block with ``html="1"``.

    The block prints it: ``print(bookfig.html(fig, "..."))`` (markdown-exec
    captures only the block's own ``print`` calls). A caption (plain text)
    is shown under the figure.
    """
    alt = escape(alt, quote=True)
    body = svg(fig).replace("<svg ", f'<svg role="img" aria-label="{alt}" ', 1)
    below = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure class="rnnbook-figure" data-search-exclude>{body}{below}</figure>'
