"""The Run buttons (bookbuild/runner.py, docs/assets/runner*.js) in headless Chromium.

A small copy of the site with a few chapters in full is built and served on
127.0.0.1. On each page, in both languages, Run is clicked on every runnable
block, and what the browser's Python prints must be what the build printed
under the block (numbers may differ in their last printed digit, or below
1e-8: NumPy in WebAssembly sums in another order than OpenBLAS). Then, on one
page: an edited block runs its new text, a block that raises shows the
traceback, printed `<b>` stays text, Reset brings the original text back,
Stop ends a runaway loop (a later Run loads Python again), and axe-core finds
no serious accessibility violation in the controls and outputs. Every request of
the browser is recorded: none may leave the site, and the page may log no
error (a Content-Security-Policy violation is one).

Cold start (first click to output), warm runs and bytes fetched are printed.
One browser for the module. Needs Debian's chromium (see test_browser.py).
"""

from __future__ import annotations

import re
import statistics
import time

import pytest

from bookbuild.local_site import serve
from conftest import ROOT, make_small_project, run_build
from test_browser import (  # noqa: F401 - fixtures
    REVEAL_JS, VIEWPORT, Monitor, a11y_problems, axe_violations, browser, playwright,
    say,
)

# chapters in full (both languages); the rest of the book as headings only
FULL = ["notation.md", "sequences.md", "gru.md"]
VISITS = [("ko", "notation/"), ("ko", "gru/"), ("en", "sequences/"), ("en", "gru/")]
LANGS = {"ko": "", "en": "en/"}
RUN = {"ko": "실행", "en": "Run"}
STOP = {"ko": "중지", "en": "Stop"}
RESET = {"ko": "되돌리기", "en": "Reset"}
COLD_TIMEOUT_MS = 120_000  # a loaded 2-core machine can take 20 s and more
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def headings_only(text: str) -> str:
    return "\n\n".join(line for line in text.splitlines()
                       if re.match(r"^#{1,6} ", line)) + "\n"


@pytest.fixture(scope="module")
def runner_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("runner")
    pages = {}
    for ko in sorted((ROOT / "docs/ko").glob("*.md")):
        texts = [ko.read_text("utf-8"), (ROOT / "docs/en" / ko.name).read_text("utf-8")]
        pages[ko.name] = tuple(texts if ko.name in FULL else map(headings_only, texts))
    project = make_small_project(work / "project", pages)
    # links into the API reference cannot resolve in this copy: not strict
    result = run_build(project, work / "site", strict=False)
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(work / "site") as url:
        yield url


@pytest.fixture(scope="module")
def session(browser, runner_site, request):
    """One browser context; its monitor; the timings, printed at the end."""
    context = browser.new_context(viewport=VIEWPORT)
    monitor = Monitor(context, runner_site)
    sizes = []

    def finished(req):
        sizes.append(req.sizes()["responseBodySize"])

    monitor.urls = []  # every URL requested, the workers' too, in order
    context.on("request", lambda req: monitor.urls.append(req.url))

    context.on("requestfinished", finished)
    timings = {"cold": [], "warm": [], "bytes": []}
    yield context, monitor, timings, sizes
    context.close()
    if timings["cold"]:
        say(request.config,
            f"\nrun buttons: cold start {statistics.median(timings['cold']):.1f} s "
            f"(median of {len(timings['cold'])} pages), warm run median "
            f"{statistics.median(timings['warm']) * 1000:.0f} ms "
            f"({len(timings['warm'])} blocks), Python's files "
            f"{max(timings['bytes']) / 1e6:.1f} MB fetched")


def open_page(context, url: str):
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    return page


def block_state(page, i: int) -> str:
    return page.locator("div.highlight[data-runnable]").nth(i).get_attribute("data-state")


def run_block(page, lang: str, i: int, timeout: int = 30_000) -> tuple[str, float]:
    """Click Run under block i; return (its output text, seconds until done)."""
    bar = page.locator(".rb-bar").nth(i)
    bar.evaluate(REVEAL_JS)  # open the <details> holding it, if any
    start = time.perf_counter()
    bar.get_by_role("button", name=RUN[lang], exact=True).click()
    page.wait_for_function(
        """(i) => ['ok', 'error', 'stopped'].includes(
             document.querySelectorAll('div.highlight[data-runnable]')[i].dataset.state)""",
        arg=i, timeout=timeout)
    seconds = time.perf_counter() - start
    return page.locator("output.rb-output").nth(i).text_content(), seconds


def build_output(page, i: int) -> str | None:
    """The build-time output shown under block i (None if it printed nothing)."""
    return page.locator("div.highlight[data-runnable]").nth(i).evaluate(
        """(div) => {
             for (let n = div.nextElementSibling; n; n = n.nextElementSibling) {
               if (n.matches('.rb-bar, output')) continue;
               return n.matches('div.language-text') ? n.querySelector('code').textContent : null;
             }
             return null;
           }""")


def same_print(got: str, want: str) -> str | None:
    """None if `got` is `want` up to the last printed digit; else what differs."""
    got_words, want_words = NUMBER.split(got.strip()), NUMBER.split(want.strip())
    if got_words != want_words:
        return f"text differs:\n{got}\nvs the build's\n{want}"
    for a, b in zip(NUMBER.findall(got), NUMBER.findall(want)):
        digits = b.lower().split("e")[0]
        unit = 10.0 ** -len(digits.split(".")[1]) if "." in digits else 1.0
        if "e" in b.lower():
            unit *= 10.0 ** int(b.lower().split("e")[1])
        if abs(float(a) - float(b)) > max(unit, 1e-8):
            return f"{a} vs the build's {b}:\n{got}\nvs\n{want}"
    return None


@pytest.mark.parametrize("lang, path", VISITS, ids=[f"{l}/{p}" for l, p in VISITS])
def test_every_block_prints_what_the_build_printed(session, runner_site, lang, path):
    context, monitor, timings, sizes = session
    monitor.label = f"{lang}/{path}"
    start = len(monitor.urls)
    page = open_page(context, runner_site + LANGS[lang] + path)
    try:
        count = page.locator("div.highlight[data-runnable]").count()
        assert count >= 3, f"{lang}/{path}: only {count} runnable blocks"
        # (run_block finds each block's button by its accessible name)
        assert page.locator(".rb-bar button.rb-run").count() == count
        # the runs below happen under the page's Content-Security-Policy
        policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
        assert "worker-src 'self'" in policy and "unsafe-eval" not in policy
        # Python is fetched only when Run is clicked
        page.wait_for_load_state("networkidle")
        assert [u for u in monitor.urls[start:] if "/assets/pyodide/" in u] == []
        before = sum(sizes)
        problems = []
        for i in range(count):
            got, seconds = run_block(page, lang, i, COLD_TIMEOUT_MS if i == 0 else 30_000)
            if i == 0:
                timings["cold"].append(seconds)
                timings["bytes"].append(sum(sizes) - before)
            else:
                timings["warm"].append(seconds)
            state, want = block_state(page, i), build_output(page, i)
            if state != "ok":
                problems.append(f"block {i + 1}: {state}\n{got}")
            elif want is not None and (why := same_print(got, want)):
                problems.append(f"block {i + 1}: {why}")
        assert problems == []
    finally:
        page.close()
    label = monitor.label
    assert monitor.console.pop(label, []) == []
    assert monitor.failed_requests(label) == []
    assert monitor.remote.pop(label, []) == []


def set_code(page, i: int, text: str):
    code = page.locator("div.highlight[data-runnable] code").nth(i)
    code.evaluate(REVEAL_JS)
    code.fill(text)


def test_edit_error_text_reset_and_stop(session, runner_site):
    context, monitor, timings, sizes = session
    monitor.label = "en/sequences/ (edited)"
    page = open_page(context, runner_site + "en/sequences/")
    try:
        code = page.locator("div.highlight[data-runnable] code").nth(0)
        original = code.text_content()

        # an edited block runs its new text
        set_code(page, 0, "import numpy as np\nprint(np.arange(4) * 7)")
        got, _ = run_block(page, "en", 0, COLD_TIMEOUT_MS)
        assert got.strip() == "[ 0  7 14 21]"

        # the blocks share one interpreter, like a notebook
        set_code(page, 1, "print(np.arange(4).sum())")
        assert run_block(page, "en", 1)[0].strip() == "6"

        # an exception shows its traceback, naming the line
        set_code(page, 2, "x = 1\nraise ValueError('no such state')")
        got, _ = run_block(page, "en", 2)
        assert block_state(page, 2) == "error"
        assert "Traceback (most recent call last)" in got
        assert 'line 2' in got and "ValueError: no such state" in got
        assert "_pyodide" not in got  # the runner's own frames are left out

        # printed HTML stays text
        set_code(page, 3, "print('<b>bold</b> &amp;')")
        assert run_block(page, "en", 3)[0].strip() == "<b>bold</b> &amp;"
        assert page.locator("output.rb-output").nth(3).locator("b").count() == 0

        # Reset restores the block's text
        reset = page.locator(".rb-bar").nth(0).get_by_role("button", name="Reset", exact=True)
        reset.click()
        assert code.text_content() == original

        # typing where the reader clicked: the text goes there, the block
        # becomes plain text (no stale colours), Reset brings the colours back
        code.locator("span").first.click()
        page.keyboard.press("End")
        page.keyboard.type("  # typed")
        lines = code.text_content().splitlines()
        assert lines[0].endswith("  # typed") and lines[1:] == original.splitlines()[1:]
        assert code.evaluate("(c) => c.childElementCount") == 0
        reset.click()
        assert code.text_content() == original and code.locator("span").count() > 3

        # Stop ends a runaway loop; the next Run loads Python again and works
        set_code(page, 4, "while True:\n    pass")
        bar = page.locator(".rb-bar").nth(4)
        bar.get_by_role("button", name="Run", exact=True).click()
        page.wait_for_timeout(1000)
        assert block_state(page, 4) == "running"
        bar.get_by_role("button", name="Stop", exact=True).click()
        assert block_state(page, 4) == "stopped"
        assert "Stopped" in page.locator("output.rb-output").nth(4).text_content()
        got, _ = run_block(page, "en", 0, COLD_TIMEOUT_MS)  # the original text again
        assert block_state(page, 0) == "ok" and got.strip() == build_output(page, 0).strip()

        # buttons, outputs and a traceback on the page: no serious WCAG 2.1 A/AA
        # violation in either theme (axe-core)
        assert a11y_problems(axe_violations(page)) == []
    finally:
        page.close()
    label = monitor.label
    assert monitor.console.pop(label, []) == []
    assert monitor.failed_requests(label) == []
    assert monitor.remote.pop(label, []) == []


def test_korean_pages_name_the_buttons_in_korean(session, runner_site):
    context, monitor, _, _ = session
    monitor.label = "ko/gru/ (names)"
    page = open_page(context, runner_site + "gru/")
    try:
        bar = page.locator(".rb-bar").nth(0)
        for name in ("실행", "되돌리기"):
            assert bar.get_by_role("button", name=name, exact=True).count() == 1
        assert bar.get_by_role("button", name="Run").count() == 0
    finally:
        page.close()


def test_pages_without_runnable_blocks_load_no_runner(session, runner_site):
    context, monitor, _, _ = session
    monitor.label = "ko/glossary/"
    page = open_page(context, runner_site + "glossary/")
    try:
        assert page.locator("div.highlight[data-runnable]").count() == 0
        assert page.locator("script[src*='runner']").count() == 0
        assert page.locator("link[href*='runner']").count() == 0
    finally:
        page.close()


def test_python_that_cannot_load_is_reported_under_the_block(browser, runner_site):
    """The site without Python's files (here: the browser refuses them)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/assets/pyodide/**", lambda route: route.abort())
    page = open_page(context, runner_site + "en/gru/")
    try:
        got, _ = run_block(page, "en", 0)
        assert block_state(page, 0) == "error"
        assert got.startswith("Python could not be loaded: ")
        assert page.locator(".rb-bar").nth(0).get_by_role("button", name="Run").is_enabled()
    finally:
        context.close()
