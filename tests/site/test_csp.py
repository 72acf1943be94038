"""Every page carries a Content-Security-Policy (bookbuild/csp.py), and a
violation of it is caught.

The static checks read the built site's HTML: one policy tag per page, the
first thing after the character set, naming only the site itself, and a hash
for exactly the inline scripts the page has (computed here with Python's HTML
parser, not with the build's code). The browser tests of every page
(test_browser.py) fail on any violation; the fault test below shows that a
violation is reported: a built page with an external script, an inline event
handler, and an inline script added to it after the build.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
from pathlib import Path

import pytest

from bookbuild.local_site import serve
from test_browser import (  # noqa: F401 - browser and playwright are fixtures
    VIEWPORT, Monitor, browser, playwright, settle,
)

ALLOWED_SOURCES = {"'self'", "'none'", "'unsafe-inline'", "'report-sample'", "data:"}


class _Head(html.parser.HTMLParser):
    """The elements of a page in order, and the text of its inline scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.tags, self.scripts, self._script = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        runs = (attrs.get("type") or "text/javascript") in (
            "text/javascript", "application/javascript", "module")
        if tag == "script" and "src" not in attrs and runs:
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


def parse(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy_of(page: _Head) -> dict[str, list[str]]:
    tags = [a for t, a in page.tags
            if t == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy"]
    assert len(tags) == 1, f"{len(tags)} policy tags"
    return {name: sources for name, *sources in
            (part.split() for part in tags[0]["content"].split(";"))}


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_has_one_policy_first_in_its_head(built_site):
    pages = html_pages(built_site)
    assert len(pages) > 20 and (built_site / "404.html") in pages
    for path in pages:
        page = parse(path)
        names = [t for t, _ in page.tags]
        first = names.index("meta")  # <meta charset>
        assert page.tags[first][1].get("charset"), path
        assert page.tags[first + 1][1].get("http-equiv") == "Content-Security-Policy", \
            f"{path}: the policy is not right after <meta charset>"
        policy = policy_of(page)
        assert policy["default-src"] == ["'none'"], path
        for name, sources in policy.items():
            other = [s for s in sources if s not in ALLOWED_SOURCES
                     and not s.startswith("'sha256-")]
            assert not other, f"{path}: {name} allows {other}"
        assert "'unsafe-inline'" not in policy["script-src"], path


def test_policy_hashes_exactly_the_inline_scripts(built_site):
    checked = 0
    for path in html_pages(built_site):
        page = parse(path)
        hashes = {s for s in policy_of(page)["script-src"] if s.startswith("'sha256-")}
        assert hashes == {sha256_source(text) for text in page.scripts}, path
        checked += len(page.scripts)
    assert checked > 0


# ------------------------------------------------------------------ a violation is caught

# Added to a copy of the built English home page, as an attacker or a careless
# edit of the built files would: none of them is allowed by the page's policy.
FAULTS = (
    '<script src="https://example.com/remote.js"></script>'
    '<img src="data:," alt="broken" onerror="console.log(\'inline handler ran\')">'
    "<script>console.log('injected after the build');</script>")


@pytest.fixture(scope="module")
def fault_site(built_site, tmp_path_factory):
    """The built English home page as en/index.html, and with FAULTS as
    en/fault.html, served with the built site's assets (linked, not copied)."""
    root = tmp_path_factory.mktemp("csp-fault")
    (root / "en").mkdir()
    (root / "assets").symlink_to(built_site / "assets")
    for name in ["assets", "search"]:
        (root / "en" / name).symlink_to(built_site / "en" / name)
    home = (built_site / "en" / "index.html").read_text(encoding="utf-8")
    assert "</body>" in home
    (root / "en" / "index.html").write_text(home, encoding="utf-8")
    (root / "en" / "fault.html").write_text(home.replace("</body>", FAULTS + "</body>"),
                                            encoding="utf-8")
    with serve(root) as url:
        yield url


def violations(browser, root: str, path: str):  # noqa: F811 - a fixture's value
    """(CSP violations as the browser tests record them, console messages)."""
    context = browser.new_context(viewport=VIEWPORT)
    messages = []
    try:
        monitor = Monitor(context, root)
        page = context.new_page()
        page.on("console", lambda m: messages.append(m.text))
        monitor.label = path
        page.goto(root + path)
        settle(page)
        return monitor.csp.pop(path, []), messages
    finally:
        context.close()


def test_the_unchanged_page_has_no_violation(browser, fault_site):  # noqa: F811
    found, messages = violations(browser, fault_site, "en/")
    assert found == [], found


def test_violations_are_reported(browser, fault_site):  # noqa: F811
    found, messages = violations(browser, fault_site, "en/fault.html")
    text = "\n".join(found)
    assert "script-src-elem refused https://example.com/remote.js" in text, text
    assert "script-src-attr refused inline" in text, text
    assert "script-src-elem refused inline" in text and "injected after" in text, text
    assert len(found) == 3, text
    assert not {"injected after the build", "inline handler ran"} & set(messages), messages
