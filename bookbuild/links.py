"""The language switcher of every page leads to the same page in the other language.

Material's own switcher goes to the other language's home page unless it can
match the page in that language's sitemap, which needs the final host name.
The same file exists in both languages, so the link is known when the page is
written.
"""

from __future__ import annotations

import re

_ALT_LINK = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
_SELECT_LINK = re.compile(
    r'<a href="[^"]*" hreflang="(?P<lang>[^"]*)" class="md-select__link">'
)


def relink_switcher(html: str, page_url: str, here_prefix: str,
                    prefixes: dict[str, str]) -> str:
    """Point each switcher entry of `html` to `page_url` in its language.

    Args:
        html: the written page.
        page_url: the page's URL below its language's root, e.g. "rnn/".
        here_prefix: this language's folder below the site root ("" or "en/").
        prefixes: language code -> its folder below the site root.

    Material's `<link rel="alternate">` tags are dropped: its script fetches
    `sitemap.xml` next to them, which would fail for per-page links.
    """
    here = here_prefix + page_url

    def relink(match):
        there = prefixes.get(match["lang"], "") + page_url
        href = relative_url(here, there)
        return f'<a href="{href}" hreflang="{match["lang"]}" class="md-select__link">'

    html = _ALT_LINK.sub("", html)
    return _SELECT_LINK.sub(relink, html)


def relative_url(here: str, there: str) -> str:
    """Relative URL between two directory-style page URLs ("" is the root).

    >>> relative_url("rnn/", "en/rnn/")
    '../en/rnn/'
    >>> relative_url("en/", "")
    '../'
    """
    return "../" * here.count("/") + there or "./"
