"""bookbuild.links: the language switcher leads to the same page."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bookbuild.links import relative_url, relink_switcher  # noqa: E402

PREFIXES = {"ko": "", "en": "en/"}
# what Material writes for `extra.alternate` (trimmed)
PAGE = """<head>
  <link rel="alternate" href="/" hreflang="ko">
  <link rel="alternate" href="/en/" hreflang="en">
</head>
<a href="/" hreflang="ko" class="md-select__link">한국어</a>
<a href="/en/" hreflang="en" class="md-select__link">English</a>
"""


@pytest.mark.parametrize("here, there, expected", [
    ("rnn/", "en/rnn/", "../en/rnn/"),
    ("en/rnn/", "rnn/", "../../rnn/"),
    ("", "en/", "en/"),
    ("en/", "", "../"),
    ("", "", "./"),
])
def test_relative_url(here, there, expected):
    assert relative_url(here, there) == expected


def test_korean_page_links_to_its_english_twin_and_itself():
    html = relink_switcher(PAGE, "lstm/", "", PREFIXES)
    assert '<a href="../lstm/" hreflang="ko"' in html
    assert '<a href="../en/lstm/" hreflang="en"' in html
    assert 'rel="alternate"' not in html


def test_english_home_links_to_the_korean_home():
    html = relink_switcher(PAGE, "", "en/", PREFIXES)
    assert '<a href="../" hreflang="ko"' in html
    assert '<a href="../en/" hreflang="en"' in html  # back up to en/ itself
