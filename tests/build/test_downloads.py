"""bookbuild.downloads (the home page's PDF, notebooks and wheel) and
bookbuild.repository (repository links from GitHub Actions' environment)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bookbuild import downloads, repository  # noqa: E402

WHEEL = "rnnbook-1.2.3-py3-none-any.whl"


@pytest.mark.parametrize("language, site_url, pdf, wheel_href", [
    ("ko", "https://me.github.io/book/", "pdf/rnnbook-ko.pdf", f"assets/pyodide/{WHEEL}"),
    ("en", "https://me.github.io/book/en/", "pdf/rnnbook-en.pdf", f"../assets/pyodide/{WHEEL}"),
])
def test_home_section_links_pdf_and_wheel(language, site_url, pdf, wheel_href):
    text = downloads.home_section(language, site_url, WHEEL)
    assert f'<a href="{pdf}" download>' in text
    assert f'<a href="{wheel_href}">{WHEEL}</a>' in text
    # one pip command, from the hosted site's root (the wheel is served once)
    assert f"\npip install https://me.github.io/book/assets/pyodide/{WHEEL}\n" in text
    assert ("내려받기" in text) == (language == "ko")


def test_only_the_home_page_gets_the_section():
    page = "# 제목\n\n본문\n"
    assert downloads.add_to_home(page, "rnn.md", "ko", "https://x/", WHEEL) == page
    home = downloads.add_to_home(page, "index.md", "ko", "https://x/", WHEEL)
    assert home.startswith(page) and "## 내려받기 {#downloads}" in home


def test_bad_language_is_named():
    with pytest.raises(ValueError, match="language.*'de'"):
        downloads.home_section("de", "https://x/", WHEEL)


def test_repository_links_follow_github_actions():
    env = {"GITHUB_REPOSITORY": "someone/rnn-book", "GITHUB_REF_NAME": "main",
           "GITHUB_SERVER_URL": "https://github.com"}
    config = repository.apply({"repo_url": "https://github.com/rnnbook/rnnbook"}, "en", env)
    assert config == {"repo_url": "https://github.com/someone/rnn-book",
                      "repo_name": "someone/rnn-book", "edit_uri": "blob/main/docs/en/"}


def test_repository_links_stay_outside_actions():
    config = {"repo_url": "https://github.com/rnnbook/rnnbook"}
    assert repository.apply(dict(config), "ko", {}) == config


def test_bad_repository_is_named():
    with pytest.raises(ValueError, match="GITHUB_REPOSITORY.*'not a repo'"):
        repository.settings("ko", {"GITHUB_REPOSITORY": "not a repo"})
