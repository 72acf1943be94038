"""Warnings name the page they are about.

markdown-exec reports a failing snippet without saying on which page; while a
page is rendered, `PageNames` adds its path (e.g. "docs/ko/rnn.md: ...") to
every warning that does not name it already.
"""

from __future__ import annotations

import logging


class PageNames(logging.Filter):
    """A filter for MkDocs' log handlers; `page` is the page being rendered."""

    page: str | None = None  # e.g. "docs/ko/rnn.md" while that page is rendered

    def filter(self, record):
        page = PageNames.page
        if page and record.levelno >= logging.WARNING:
            message = record.getMessage()
            if page not in message:
                record.msg, record.args = f"{page}: {message}", ()
        return True


_filter = PageNames()


def rendering(page: str | None) -> None:
    """Name `page` in the warnings from now on (None: stop naming one)."""
    PageNames.page = page
    if page is None:
        return
    for handler in logging.getLogger("mkdocs").handlers:
        if _filter not in handler.filters:
            handler.addFilter(_filter)

log = logging.getLogger("mkdocs.plugins.rnnbook")  # the build's own warnings
