"""Accessibility fixes made when a page is written.

A table wider than the page scrolls sideways. A keyboard reaches a scrolling
region only if the region can take the focus (WCAG 2.1.1), so each table of a
page is wrapped in a focusable region (`tabindex="0"`) named for screen
readers. Material wraps each table in its own scrolling `div` when the page
loads; docs/assets/extra.css lets the outer region scroll instead.

A displayed equation wider than the page scrolls too (docs/assets/extra.css),
so each one can take the focus as well (MathJax's own menu used to put every
equation in the tab order; here only the displayed ones are).

A code block wider than the page scrolls as well. Material gives it
`tabindex="0"` when it sets the block up, and takes it away from a block that
fits. It sets a block up only when the block first comes into view (the
theme's `content.lazy` feature, in mkdocs.yml: checking every block's width at
load costs a long chapter about 0.1 s). So every code block is written
focusable, and a block that turns out to fit loses its tab stop once seen.

scripts/hooks.py calls `focusable_tables`, `focusable_equations` and
`focusable_code` from `on_post_page`.
"""

from __future__ import annotations

import re

# Only tables Material styles and wraps: no class attribute (a code block with
# line numbers is a <table class="highlighttable">, which is left alone).
_TABLE = re.compile(r"<table>.*?</table>", re.S)
REGION_NAME = {"ko": "표", "en": "Table"}


def focusable_tables(html: str, lang: str) -> str:
    """Wrap every plain `<table>` of `html` in a focusable, named region.

    Args:
        html: the written page.
        lang: the page's language, "ko" or "en" (names the region).

    >>> focusable_tables("<p>x</p><table><tr><td>1</td></tr></table>", "en")
    '<p>x</p><div class="rnnbook-scroll" tabindex="0" role="region" aria-label="Table"><table><tr><td>1</td></tr></table></div>'
    """
    if lang not in REGION_NAME:
        raise ValueError(f"lang must be one of {sorted(REGION_NAME)}, got {lang!r}")
    opening = (f'<div class="rnnbook-scroll" tabindex="0" role="region" '
               f'aria-label="{REGION_NAME[lang]}">')
    return _TABLE.sub(lambda m: f"{opening}{m.group(0)}</div>", html)


_DISPLAY_MATH = re.compile(r'<div class="arithmatex">')


def focusable_equations(html: str) -> str:
    """Let every displayed equation (`<div class="arithmatex">`) take the focus.

    >>> focusable_equations('<div class="arithmatex"><mjx-container>')
    '<div class="arithmatex" tabindex="0"><mjx-container>'
    """
    return _DISPLAY_MATH.sub('<div class="arithmatex" tabindex="0">', html)


# The code of a block, as Pygments writes it (an empty span before <code>);
# Material sets up every `pre > code` but a Mermaid diagram's.
_BLOCK_CODE = re.compile(r'(<pre(?![^>]*\bmermaid\b)[^>]*>(?:<span></span>)?<code)(?=[\s>])')


def focusable_code(html: str) -> str:
    """Let the code of every code block take the focus until Material sets it up.

    >>> focusable_code('<pre><span></span><code>x = 1</code></pre> <code>y</code>')
    '<pre><span></span><code tabindex="0">x = 1</code></pre> <code>y</code>'
    """
    return _BLOCK_CODE.sub(r'\1 tabindex="0"', html)
