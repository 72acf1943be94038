"""The built site as a reader sees it, in headless Chromium.

Every page of both languages is opened once (one browser for the module) and
checked for: console errors, failed requests, requests to other hosts,
equations not typeset at build time (or a math script), figures of no size, the language
switcher (a round trip ko -> en -> ko by clicking it), the copy buttons of code
blocks (the clipboard must hold the block's code) and Hangul drawn as boxes
(tofu), violations of the pages' Content-Security-Policy, and accessibility
(axe-core, WCAG 2.1 A/AA, in the light and the dark theme: no serious or
critical violation). A full-page screenshot of each page is saved under
test-artifacts/screenshots/{ko,en}/ for people to look at (not compared).

The search box is driven like a reader does (click, type, read the first
results) with Korean and English queries; the time from the last keystroke to
the results being shown is printed (median), not asserted.

The pages are whatever the built site has: the tests iterate over its
index.html files, so they keep working as chapters land.

Needs Debian's chromium at /usr/bin/chromium (never downloads a browser) and
axe-core in .deps/axe-core/ (`make test` fetches it; the tests give it to each
page, the site never serves it). In
CI (CI=true) a missing browser fails the tests instead of skipping them.
"""

from __future__ import annotations

import contextlib
import functools
import html
import os
import re
import shutil
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

from conftest import ROOT, make_small_project, run_build
from bookbuild.local_site import serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # nothing may leave the machine, even if a page asked for it
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1280, "height": 900}
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
LANGS = {"ko": "", "en": "en/"}  # language -> folder of its pages in the site
COPY_CHECKS_PER_PAGE = 3
AXE_JS = ROOT / ".deps" / "axe-core" / "package" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_FAILING = {"serious", "critical"}  # impacts that fail the tests
THEMES = {"light": "default", "dark": "slate"}  # Material's palette schemes


# ------------------------------------------------------------------ serving


@pytest.fixture(scope="session")
def site_url(built_site):
    with serve(built_site) as url:
        yield url


def site_pages(site: Path) -> dict[str, list[str]]:
    """Page paths of the built site by language, e.g. {"ko": ["", "rnn/"], ...}."""
    pages = {lang: [] for lang in LANGS}
    for path in sorted(site.rglob("index.html")):
        rel = path.parent.relative_to(site).as_posix()
        rel = "" if rel == "." else rel + "/"
        if rel.startswith(LANGS["en"]):
            pages["en"].append(rel[len(LANGS["en"]):])
        else:
            pages["ko"].append(rel)
    return pages


def page_name(lang: str, path: str) -> str:
    """How reports name a page: "ko/rnn/", "en/" (the English home)."""
    return f"{lang}/{path}"


# ------------------------------------------------------------------ browser


@pytest.fixture(scope="module")
def playwright():
    if not CHROMIUM.exists():
        message = (f"Debian chromium is missing at {CHROMIUM}: install it with "
                   "`apt-get install chromium` (the tests never download a browser)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright):
    """The one browser of the module."""
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def say(config, line: str):
    """Print a line to the terminal, past pytest's output capture."""
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        if reporter is not None:
            reporter.write_line(line)
        else:
            print(line)


# Reports every Content-Security-Policy violation of a page to the test
# (window.__rnnbookCSP is a Playwright binding), before any of its scripts run.
CSP_SPY_JS = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = e.sourceFile ? ` (${e.sourceFile}:${e.lineNumber})` : "";
  const sample = e.sample ? `: ${e.sample.slice(0, 80)}` : "";
  window.__rnnbookCSP(`${e.effectiveDirective} refused ${e.blockedURI || "(none)"}${where}${sample}`);
}, true);
"""


class Monitor:
    """Console errors, failed requests, requests to other hosts and
    Content-Security-Policy violations of one browser context, filed under
    the page being checked (`label`)."""

    def __init__(self, context, origin: str):
        self.origin = origin.rstrip("/")
        self.label = "(before any page)"
        self.console = defaultdict(list)
        self.csp = defaultdict(list)
        context.expose_binding(
            "__rnnbookCSP", lambda source, text: self.csp[self.label].append(text))
        context.add_init_script(CSP_SPY_JS)
        self.failed = defaultdict(list)
        self.remote = defaultdict(list)
        context.on("request", self._request)
        context.on("requestfailed", self._request_failed)
        context.on("requestfinished", self._request_finished)
        self.finished, self.ok = set(), set()  # URLs that loaded, at least once
        context.on("response", self._response)
        context.on("console", self._console)
        context.on("weberror", self._web_error)

    def _local(self, url: str) -> bool:
        return url.startswith(self.origin + "/") or url.split(":", 1)[0] in (
            "data", "blob", "about")

    def _request(self, request):
        if not self._local(request.url):
            self.remote[self.label].append(request.url)

    def _request_failed(self, request):
        self.failed[self.label].append((request.url, request.failure))

    def _request_finished(self, request):
        self.finished.add(request.url)

    def failed_requests(self, label) -> list[str]:
        """Requests that failed while `label` was checked. A request the
        browser itself cancelled (net::ERR_ABORTED: MathJax replacing its font
        styles, say) is not a failure if the same URL did load."""
        return [f"{url} ({why})" for url, why in self.failed.pop(label, [])
                if not (why == "net::ERR_ABORTED" and url in self.finished & self.ok)]

    def _response(self, response):
        if response.status >= 400:
            self.failed[self.label].append((response.url, f"HTTP {response.status}"))
        else:
            self.ok.add(response.url)

    def _console(self, message):
        if message.type == "error":
            where = message.location.get("url", "")
            self.console[self.label].append(f"{message.text} [{where}]")

    def _web_error(self, error):
        self.console[self.label].append(f"uncaught: {error.error}")


# ------------------------------------------------------------------ checks run in the page

# Opens the <details> and selects the tab holding an element, so that it is
# rendered (figures and code blocks inside solutions or tabs).
REVEAL_JS = """
(el) => {
  for (let a = el; a; a = a.parentElement) {
    if (a.tagName === "DETAILS" && !a.open) a.open = true;
    if (a.classList && a.classList.contains("tabbed-block")) {
      const i = Array.from(a.parentElement.children).indexOf(a);
      const set = a.closest(".tabbed-set");
      const inputs = set ? set.querySelectorAll(":scope > input") : [];
      if (inputs[i]) inputs[i].checked = true;
    }
  }
}
"""

# The equations are typeset when the site is built (bookbuild/math.py): each
# arithmatex element holds MathJax's CHTML with its assistive MathML, the math
# stylesheet applies, and no page loads a typesetting script. Reports which
# equations are still TeX or errors, which lack MathML, any math script, and
# the page's text outside code, equations and figures (for raw LaTeX).
MATH_STATE_JS = """
() => {
  const out = {total: 0, unrendered: [], errors: [], nomathml: [], scripts: [], text: ""};
  const boxes = Array.from(document.querySelectorAll(".arithmatex"));
  out.total = boxes.length;
  for (const el of boxes) {
    const box = el.querySelector(":scope > mjx-container[jax='CHTML']");
    if (!box) { out.unrendered.push(el.textContent.trim().slice(0, 160)); continue; }
    const math = box.querySelector(":scope > mjx-assistive-mml > math");
    const source = (math ? math.textContent : box.textContent).trim().slice(0, 160);
    if (!math || !math.children.length) out.nomathml.push(source);
    if (box.querySelector("mjx-merror, merror, [data-mjx-error]"))
      out.errors.push(source);
  }
  // chtml.css sets line-height 0 on every container: the stylesheet is there
  const first = document.querySelector("mjx-container[jax='CHTML']");
  if (first && getComputedStyle(first).lineHeight !== "0px")
    out.errors.push("the math stylesheet (assets/mathjax/chtml.css) does not apply");
  for (const s of document.scripts)
    if (/mathjax|math\\.js/i.test(s.src)) out.scripts.push(s.src);
  if (window.MathJax !== undefined) out.scripts.push("window.MathJax is defined");
  const skip = "pre, code, script, style, mjx-container, svg, .rnnbook-figure";
  const article = document.querySelector("article") || document.body;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (!n.parentElement.closest(skip)) parts.push(n.data);
  out.text = parts.join(" ");
  return out;
}
"""

RAW_LATEX = re.compile(r"\$\$|\\[()\[\]]|\\[A-Za-z]{2,}")

FIGURES_JS = """
async (reveal) => {
  reveal = eval(reveal);
  const bad = [];
  let count = 0;
  document.querySelectorAll(".rnnbook-figure").forEach((f, i) => {
    if (!f.querySelector("svg")) bad.push(`figure ${i + 1} has no svg`);
  });
  const label = (el, i) => el.getAttribute("aria-label") || el.getAttribute("alt")
    || el.getAttribute("src") || `#${i + 1}`;
  const svgs = Array.from(document.querySelectorAll(".rnnbook-figure svg"));
  svgs.forEach((el, i) => {
    count++;
    reveal(el);
    const r = el.getBoundingClientRect();
    if (!(r.width >= 1 && r.height >= 1))
      bad.push(`figure svg "${label(el, i)}" is ${r.width}x${r.height}`);
  });
  const imgs = Array.from(document.images);
  for (const [i, el] of imgs.entries()) {
    count++;
    reveal(el);
    el.loading = "eager";
    el.scrollIntoView();
    try { await el.decode(); } catch (e) { bad.push(`img "${label(el, i)}" did not load`); continue; }
    const r = el.getBoundingClientRect();
    if (!(el.naturalWidth > 0 && r.width >= 1 && r.height >= 1))
      bad.push(`img "${label(el, i)}" is ${r.width}x${r.height}`);
  }
  window.scrollTo(0, 0);
  return {count, bad};
}
"""

# Hangul drawn as boxes: each distinct Hangul character of the page is drawn
# in a canvas with the computed font of the element that shows it, and
# compared with the drawing of code points no font has (U+0378, U+0530: the
# .notdef box of that font stack). A character drawn like them, or not drawn
# at all, has no font. `family` replaces the page's fonts (for the control).
TOFU_JS = """
(family) => {
  const HANGUL = /[\\u1100-\\u11ff\\u3130-\\u318f\\uac00-\\ud7a3]/g;
  const groups = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const chars = n.data.match(HANGUL);
    const el = n.parentElement;
    if (!chars || !el || el.closest("script, style, noscript")) continue;
    const cs = getComputedStyle(el);
    const font = `${cs.fontStyle} ${cs.fontWeight} 40px ${family || cs.fontFamily}`;
    if (!groups.has(font)) groups.set(font, new Set());
    chars.forEach((c) => groups.get(font).add(c));
  }
  const canvas = document.createElement("canvas");
  canvas.width = 120; canvas.height = 80;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  const draw = (font, ch) => {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.font = font;
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#000";
    ctx.fillText(ch, 20, 40);
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const alpha = new Uint8Array(d.length / 4);
    let ink = 0;
    for (let i = 0; i < alpha.length; i++) { alpha[i] = d[4 * i + 3]; if (alpha[i]) ink++; }
    return {alpha, ink};
  };
  const same = (a, b) => a.alpha.every((v, i) => v === b.alpha[i]);
  const out = {checked: 0, tofu: []};
  for (const [font, chars] of groups) {
    const refs = ["\\u0378", "\\u0530"].map((c) => draw(font, c));
    const bad = [];
    for (const c of chars) {
      out.checked++;
      const r = draw(font, c);
      if (r.ink === 0 || refs.some((ref) => same(ref, r))) bad.push(c);
    }
    if (bad.length) out.tofu.push(`${bad.length} of ${chars.size} characters in font `
      + `[${font}] have no glyph: ${bad.slice(0, 40).join("")}`);
  }
  return out;
}
"""


def name_of(page, root: str) -> str:
    """The page's report name ("ko/rnn/", "en/rnn/") from its URL."""
    path = urlsplit(page.url).path.lstrip("/")
    path = path[len(urlsplit(root).path.lstrip("/")):]
    if path.startswith(LANGS["en"]):
        return page_name("en", path[len(LANGS["en"]):])
    return page_name("ko", path)


def math_problems(page) -> list[str]:
    """Equations of the loaded page not typeset at build time, typeset as
    errors or without MathML, a math script, or LaTeX source in the text."""
    state = page.evaluate(MATH_STATE_JS)
    problems = [f"not rendered: {html.unescape(source)}" for source in state["unrendered"]]
    problems += [f"math error: {e}" for e in dict.fromkeys(state["errors"])]
    problems += [f"no MathML for screen readers: {e}" for e in state["nomathml"]]
    problems += [f"math script on the page: {e}" for e in state["scripts"]]
    text, shown = state["text"], set()
    for m in RAW_LATEX.finditer(text):
        excerpt = " ".join(text[max(0, m.start() - 40):m.end() + 40].split())
        if excerpt not in shown and not any(excerpt in s or s in excerpt for s in shown):
            shown.add(excerpt)
            problems.append(f"raw LaTeX {m.group(0)!r} in the text: ...{excerpt}...")
    return problems


def check_math(page, root: str):
    """Fail, naming the page, if any of its equations is broken."""
    problems = math_problems(page)
    assert not problems, f"{name_of(page, root)}: " + "; ".join(problems)


def hangul_tofu(page, family: str | None = None) -> dict:
    """Hangul characters of the page that render as boxes (see TOFU_JS)."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return page.evaluate(TOFU_JS, family)


def figure_problems(page) -> tuple[int, list[str]]:
    result = page.evaluate(FIGURES_JS, REVEAL_JS)
    return result["count"], result["bad"]


def copy_problems(page) -> tuple[int, list[str]]:
    """Copy the first, a middle and the last code block of the page; the
    clipboard must hold the block's code.

    Material adds a block's copy button when the block first comes into view
    (content.lazy), so each block is scrolled to first.
    """
    blocks = page.locator(".md-content pre:not(.mermaid) > code")
    n = blocks.count()
    problems, checked = [], 0
    for i in sorted({0, n // 2, n - 1} if n else set())[:COPY_CHECKS_PER_PAGE]:
        code = blocks.nth(i)
        code.evaluate(REVEAL_JS)
        code.evaluate("(el) => el.scrollIntoView()")
        button = code.locator("xpath=..").locator("button[data-md-type=copy]")
        try:
            button.wait_for(timeout=5_000)
        except PlaywrightTimeoutError:
            problems.append(f"block {i + 1}: no copy button once scrolled to")
            continue
        expected = code.evaluate("(el) => el.textContent")
        page.evaluate("() => navigator.clipboard.writeText('(nothing copied)')")
        button.click()
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_function(
                "() => navigator.clipboard.readText().then("
                "t => t !== '(nothing copied)')", timeout=5_000)
        copied = page.evaluate("() => navigator.clipboard.readText()")
        checked += 1
        if copied.rstrip() != expected.rstrip():
            problems.append(f"block {i + 1}: copied {copied[:80]!r}, "
                            f"the block shows {expected[:80]!r}")
    return checked, problems


def switcher_links(page) -> dict[str, str]:
    """hreflang -> absolute URL of the language switcher's links."""
    return page.evaluate("""() => Object.fromEntries(
        Array.from(document.querySelectorAll("a.md-select__link[hreflang]"))
          .map(a => [a.getAttribute("hreflang"), a.href]))""")


def click_switcher(page, lang: str):
    """Open the language menu, click the link to `lang`, wait for the page."""
    link = page.locator(f"a.md-select__link[hreflang={lang}]")
    page.locator(".md-select", has=link).hover()
    before = page.url
    link.click()
    page.wait_for_url(lambda url: url != before, wait_until="load", timeout=15_000)


@functools.cache
def axe_source() -> str:
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing at {AXE_JS}: run `make test` (or "
                    "`make .deps/axe-core/.fetched`), which fetches it with npm")
    return AXE_JS.read_text(encoding="utf-8")


# A page lays out only the blocks near the screen, the rest as they are
# scrolled to (content-visibility, docs/assets/extra.css); the checks read every
# block, so they have them all laid out first.
LAY_OUT_ALL_JS = """() => document.querySelectorAll('.md-typeset > *').forEach(
  e => { e.style.contentVisibility = 'visible'; })"""

# Every <details> open, so that what it holds is checked too.
OPEN_DETAILS_JS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"

AXE_RUN_JS = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({id: v.id, impact: v.impact,
    targets: v.nodes.map(n => n.target.join(" "))}));
}
"""


def set_theme(page, theme: str):
    """Switch to Material's light or dark theme with its header toggle, as a
    reader does, and wait until the colours have finished changing."""
    scheme = THEMES[theme]
    if page.evaluate("() => document.body.dataset.mdColorScheme") != scheme:
        page.locator("form[data-md-component=palette] label:not([hidden])").click()
        page.wait_for_function("(s) => document.body.dataset.mdColorScheme === s",
                               arg=scheme, timeout=5_000)
    # (a transition cut short by the next one rejects its promise: allSettled)
    page.evaluate("() => Promise.allSettled(document.getAnimations().map(a => a.finished))")


def axe_violations(page) -> dict[str, list[dict]]:
    """axe-core's WCAG 2.1 A/AA violations of the page in each theme (every
    <details> opened first): {"light": [{id, impact, targets}], "dark": [...]}.
    The page is left in the light theme."""
    if not page.evaluate("() => typeof axe === 'object'"):
        page.evaluate(axe_source())  # run by the test, so the page's CSP does not apply
    # the page at rest: Material's "Copied to clipboard" note, shown for 2 s
    # after a copy, has gone and finished fading (axe measures a half-faded one)
    page.wait_for_function("() => !document.querySelector('.md-dialog--active')",
                           timeout=10_000)
    page.evaluate("() => Promise.allSettled(document.getAnimations().map(a => a.finished))")
    page.evaluate(LAY_OUT_ALL_JS)  # axe-core stalls on blocks left out of the layout
    page.evaluate(OPEN_DETAILS_JS)
    found = {}
    for theme in THEMES:
        set_theme(page, theme)
        found[theme] = page.evaluate(AXE_RUN_JS, AXE_TAGS)
    set_theme(page, "light")
    return found


def a11y_problems(violations: dict[str, list[dict]]) -> list[str]:
    """The serious and critical violations, one line per theme and rule."""
    return [f"{theme}: {v['id']} ({v['impact']}) on {len(v['targets'])} elements, "
            f"e.g. {', '.join(v['targets'][:3])}"
            for theme, found in violations.items() for v in found
            if v["impact"] in AXE_FAILING]


# ------------------------------------------------------------------ visiting every page


@dataclass
class PageReport:
    name: str
    load_seconds: float = 0.0
    problems: dict = field(default_factory=lambda: defaultdict(list))
    counts: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)  # time taken by each check
    axe: dict = field(default_factory=dict)  # theme -> axe-core's violations


def screenshot_path(lang: str, path: str, folder: Path = SCREENSHOTS) -> Path:
    name = path.strip("/").replace("/", "_") or "index"
    return folder / lang / f"{name}.png"


def attempt(report: PageReport, check: str, action):
    """Run one check; a browser error is filed as that check's problem."""
    started = time.perf_counter()
    try:
        return action()
    except PlaywrightError as error:
        report.problems[check].append(f"{type(error).__name__}: "
                                      f"{error.message.splitlines()[0]}")
        return None
    finally:
        report.seconds[check] = time.perf_counter() - started


def check_loaded_page(page, report: PageReport, shot: Path, started: float):
    """All per-page checks on a page that has just been loaded."""
    page.evaluate(LAY_OUT_ALL_JS)
    report.problems["math"] += attempt(report, "math", lambda: math_problems(page)) or []
    report.load_seconds = time.perf_counter() - started
    figures = attempt(report, "figures", lambda: figure_problems(page))
    if figures:
        report.counts["figures"], bad = figures
        report.problems["figures"] += bad
    tofu = attempt(report, "tofu", lambda: hangul_tofu(page))
    if tofu:
        report.counts["hangul"] = tofu["checked"]
        report.problems["tofu"] += tofu["tofu"]
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")
    # long pages (the API reference) take a while to draw on a busy machine
    attempt(report, "screenshot", lambda: page.screenshot(
        path=str(shot), full_page=True, animations="disabled", timeout=180_000))
    copies = attempt(report, "copy", lambda: copy_problems(page))
    if copies:
        report.counts["copies"], bad = copies
        report.problems["copy"] += bad
    violations = attempt(report, "a11y", lambda: axe_violations(page))
    if violations is not None:
        report.axe = violations
        report.problems["a11y"] += a11y_problems(violations)


def expect_path(page, root: str, lang: str, path: str) -> str | None:
    want = urlsplit(root + LANGS[lang] + path).path
    got = urlsplit(page.url).path
    return None if got == want else f"landed on {got}, expected {want}"


def settle(page):
    """Let the page finish its requests (the search index, favicon, fonts),
    so that none is cut off by leaving it and every one is checked."""
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_load_state("networkidle", timeout=15_000)


def switch(page, report: PageReport, root: str, lang: str, path: str) -> bool:
    """Click the switcher to `lang`; True if it led to the same page there."""
    def go():
        click_switcher(page, lang)
        return expect_path(page, root, lang, path)
    came_from = "en" if lang == "ko" else "ko"
    wrong = attempt(report, "switcher", go)
    if wrong:
        report.problems["switcher"].append(f"{came_from} -> {lang}: {wrong}")
    return wrong is None and not report.problems["switcher"]


def visit(page, monitor: Monitor, root: str, lang: str, path: str,
          arrive=None, shots: Path = SCREENSHOTS) -> PageReport:
    """Open one page (by URL, or by `arrive()`) and run every check on it."""
    name = page_name(lang, path)
    report = PageReport(name)
    monitor.label = name
    started = time.perf_counter()
    if arrive is None or not arrive(report):
        started = time.perf_counter()
        loaded = attempt(report, "load", lambda: page.goto(root + LANGS[lang] + path) or True)
        if not loaded:
            return report
    links = attempt(report, "switcher", lambda: switcher_links(page)) or {}
    for other in LANGS:
        want = root + LANGS[other] + path
        if links.get(other) != want:
            report.problems["switcher"].append(
                f"the {other} link goes to {links.get(other)}, expected {want}")
    check_loaded_page(page, report, screenshot_path(lang, path, shots), started)
    settle(page)
    return report


@pytest.fixture(scope="module")
def reports(browser, built_site, site_url, request) -> dict[str, PageReport]:
    """Open every page of both languages once and run every per-page check.

    Each Korean page is opened by URL and checked; the English page is
    reached by clicking the Korean page's switcher, checked, and its switcher
    clicked back to the Korean page.
    """
    pages = site_pages(built_site)
    context = browser.new_context(viewport=VIEWPORT)
    context.grant_permissions(["clipboard-read", "clipboard-write"],
                              origin=site_url.rstrip("/"))
    monitor = Monitor(context, site_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    out: dict[str, PageReport] = {}
    for path in pages["ko"]:
        out[page_name("ko", path)] = visit(page, monitor, site_url, "ko", path)
        if path not in pages["en"]:
            continue
        report = visit(page, monitor, site_url, "en", path, arrive=lambda report: switch(
            page, report, site_url, "en", path))
        out[report.name] = report
        if not report.problems["switcher"]:
            switch(page, report, site_url, "ko", path)
            settle(page)
    for path in sorted(set(pages["en"]) - set(pages["ko"])):
        out[page_name("en", path)] = visit(page, monitor, site_url, "en", path)
    monitor.label = "(after the last page)"
    page.close()
    context.close()
    for name, report in out.items():
        report.problems["console"] += monitor.console.pop(name, [])
        report.problems["requests"] += monitor.failed_requests(name)
        report.problems["remote"] += monitor.remote.pop(name, [])
        report.problems["csp"] += monitor.csp.pop(name, [])
    stray = PageReport("(not during a page)")
    stray.problems["csp"] += [f"{k}: {v}" for k, vs in monitor.csp.items() for v in vs]
    stray.problems["console"] += [f"{k}: {v}" for k, vs in monitor.console.items() for v in vs]
    stray.problems["requests"] += [f"{k}: {v}" for k in list(monitor.failed)
                                   for v in monitor.failed_requests(k)]
    stray.problems["remote"] += [f"{k}: {v}" for k, vs in monitor.remote.items() for v in vs]
    out[stray.name] = stray
    slowest = max(out.values(), key=lambda r: r.load_seconds)
    total = defaultdict(float)
    for report in out.values():
        for check, seconds in report.seconds.items():
            total[check] += seconds
    say(request.config,
        f"\nbrowser: checked {len(pages['ko'])} Korean and {len(pages['en'])} English "
        f"pages; slowest load and checks of its equations: {slowest.name} "
        f"{slowest.load_seconds:.2f} s; checked "
        f"{sum(r.counts.get('copies', 0) for r in out.values())} copy buttons, "
        f"{sum(r.counts.get('figures', 0) for r in out.values())} figures, "
        f"{sum(r.counts.get('hangul', 0) for r in out.values())} Hangul glyphs; "
        "time by check: " + ", ".join(f"{k} {v:.0f} s" for k, v in total.items()))
    say(request.config, "axe-core (WCAG 2.1 A/AA): " + axe_summary(out.values()))
    return out


def axe_summary(reports) -> str:
    """Elements in violation, by theme, rule and impact, over all pages."""
    count = defaultdict(int)
    for report in reports:
        for theme, found in report.axe.items():
            for v in found:
                count[f"{theme} {v['id']} ({v['impact']})"] += len(v["targets"])
    return ", ".join(f"{k}: {n}" for k, n in sorted(count.items())) or "no violation"


def offenders(reports, check: str) -> str:
    lines = [f"{name}: {problem}" for name, r in sorted(reports.items())
             for problem in r.problems.get(check, [])]
    return "\n".join(lines)


def test_the_site_has_pages_in_both_languages(built_site):
    pages = site_pages(built_site)
    assert pages["ko"] and sorted(pages["ko"]) == sorted(pages["en"]), pages


def test_every_page_loads(reports):
    assert not offenders(reports, "load"), "\n" + offenders(reports, "load")


def test_no_console_errors(reports):
    assert not offenders(reports, "console"), "\n" + offenders(reports, "console")


def test_no_failed_requests(reports):
    assert not offenders(reports, "requests"), "\n" + offenders(reports, "requests")


def test_no_request_to_another_host(reports):
    assert not offenders(reports, "remote"), "\n" + offenders(reports, "remote")


def test_no_content_security_policy_violation(reports):
    assert not offenders(reports, "csp"), "\n" + offenders(reports, "csp")


def test_no_serious_accessibility_violation(reports):
    """axe-core finds no serious or critical WCAG 2.1 A/AA violation on any
    page, in the light or the dark theme."""
    assert not offenders(reports, "a11y"), "\n" + offenders(reports, "a11y")
    assert all(set(r.axe) == set(THEMES) for name, r in reports.items()
               if name != "(not during a page)"), "a page was not checked by axe-core"


def test_every_equation_is_rendered(reports):
    assert not offenders(reports, "math"), "\n" + offenders(reports, "math")


def test_every_figure_has_a_size(reports):
    assert not offenders(reports, "figures"), "\n" + offenders(reports, "figures")


def test_language_switcher_leads_to_the_same_page(reports):
    assert not offenders(reports, "switcher"), "\n" + offenders(reports, "switcher")


def test_copy_buttons_copy_the_code(reports):
    assert not offenders(reports, "copy"), "\n" + offenders(reports, "copy")
    assert sum(r.counts.get("copies", 0) for r in reports.values()) > 0


def test_no_hangul_is_drawn_as_boxes(reports):
    assert not offenders(reports, "tofu"), "\n" + offenders(reports, "tofu")
    korean = [r for name, r in reports.items() if name.startswith("ko/")]
    assert all(r.counts.get("hangul", 0) > 0 for r in korean), \
        "a Korean page with no Hangul checked"


def test_screenshots_are_saved(reports, built_site):
    assert not offenders(reports, "screenshot"), "\n" + offenders(reports, "screenshot")
    pages = site_pages(built_site)
    missing = [str(screenshot_path(lang, path)) for lang in LANGS for path in pages[lang]
               if not screenshot_path(lang, path).is_file()
               or screenshot_path(lang, path).stat().st_size == 0]
    assert missing == []


# ------------------------------------------------------------------ the checks catch faults


def test_tofu_check_fails_without_a_hangul_font(playwright, site_url, tmp_path):
    """The control of the tofu check: in a browser whose only font has no
    Hangul (fontconfig limited to matplotlib's DejaVu Sans), the check reports
    the Korean page's characters, with the page's fonts and with an explicit
    family."""
    import matplotlib

    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf", fonts)
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{fonts}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
        "</fontconfig>\n", encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, env=env)
    try:
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(site_url)
        for family in [None, '"DejaVu Sans"']:
            result = hangul_tofu(page, family)
            assert result["checked"] > 0
            assert result["tofu"], f"tofu not detected with family {family}"
    finally:
        browser.close()


BROKEN_PAGES = {
    "index.md": "# Home\n\nFine: $a_t = b$.\n\n$$\n\\frac{1}{2}\n$$\n",
    "unclosed.md": "# Unclosed\n\n$$ \\frac{1}{ $$\n",
    "undefined.md": "# Undefined\n\n$$\n\\undefinedmacro{x} + 1\n$$\n",
    "misplaced.md": "# Misplaced\n\nText $a & b$ here.\n",
    # typeset, but the page loads a typesetting script of its own
    "scripted.md": "# Scripted\n\n$x$\n\n<script src=\"mathjax/tex-chtml.js\"></script>\n",
    # not math: faults the other per-page checks must report
    "faults.md": (
        "# Faults\n\n"
        '<img src="missing.png" alt="missing picture">\n\n'
        '<img src="https://example.com/remote.png" alt="remote picture">\n\n'
        '<script>console.error("deliberate error");</script>\n'),
}


@pytest.fixture(scope="module")
def broken_site(tmp_path_factory):
    """A small site whose pages have one LaTeX error each (index is fine).

    Built without --strict: the strict build refuses TeX errors (tests/site/
    test_build.py); without it they stay TeX in the page, for the browser
    check to find."""
    work = tmp_path_factory.mktemp("broken-math")
    pages = {name: (text, text) for name, text in BROKEN_PAGES.items()}
    project = make_small_project(work / "project", pages)
    result = run_build(project, work / "site", strict=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TeX error" in result.stdout + result.stderr
    with serve(work / "site") as url:
        yield url


def test_math_check_passes_a_good_page(browser, broken_site):
    page = browser.new_page()
    try:
        page.goto(broken_site)
        check_math(page, broken_site)
    finally:
        page.close()


def test_page_checks_report_faults_under_the_page(browser, broken_site, tmp_path):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        monitor = Monitor(context, broken_site)
        page = context.new_page()
        report = visit(page, monitor, broken_site, "en", "faults/", shots=tmp_path)
        monitor.label = "(after)"
        problems = {check: "\n".join(found) for check, found in report.problems.items()}
        problems["console"] = "\n".join(monitor.console.pop("en/faults/", []))
        problems["requests"] = "\n".join(monitor.failed_requests("en/faults/"))
        problems["remote"] = "\n".join(monitor.remote.pop("en/faults/", []))
    finally:
        context.close()
    assert "deliberate error" in problems["console"], problems
    assert "missing.png (HTTP 404)" in problems["requests"], problems
    assert "https://example.com/remote.png" in problems["remote"], problems
    assert 'img "missing picture" did not load' in problems["figures"], problems
    assert not problems.get("math") and not problems.get("switcher"), problems


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("name", ["unclosed", "undefined", "misplaced", "scripted"])
def test_math_check_names_the_broken_page(browser, broken_site, name, lang):
    page = browser.new_page()
    try:
        page.goto(f"{broken_site}{LANGS[lang]}{name}/")
        with pytest.raises(AssertionError) as failure:
            check_math(page, broken_site)
        assert f"{lang}/{name}/" in str(failure.value), str(failure.value)
    finally:
        page.close()


# ------------------------------------------------------------------ search

# (language of the site, query, page expected among the first three results)
QUERIES = [
    ("ko", "게이트", "lstm"),     # the pages write 게이트는, 게이트를, 게이트가 ...
    ("ko", "게이트는", "lstm"),
    ("ko", "망각 게이트", "lstm"),
    ("ko", "forget gate", "lstm"),
    ("ko", "셀 상태", "lstm"),
    ("ko", "은닉 상태", "rnn"),
    ("ko", "가중치 공유", "rnn"),
    ("ko", "기울기 소실", "vanishing"),
    ("ko", "spectral radius", "vanishing"),
    ("ko", "스펙트럼 반지름", "vanishing"),
    ("ko", "BPTT", "bptt"),
    ("ko", "잘린 BPTT", "bptt"),
    ("ko", "리셋 게이트", "gru"),
    ("ko", "reset gate", "gru"),
    ("ko", "업데이트 게이트", "gru"),
    ("ko", "온도", "charlm"),
    ("ko", "temperature", "charlm"),
    ("ko", "교차 엔트로피", "charlm"),
    ("ko", "양방향", "deep"),
    ("ko", "마르코프 모델", "sequences"),
    ("ko", "스트라이드", "cnn"),
    ("ko", "덧셈 문제", "experiments"),
    ("ko", "표기법", "notation"),
    ("ko", "펼친 그래프", "rnn"),
    ("ko", "잠재 자기회귀", "sequences"),
    ("ko", "샘플링", "charlm"),
    ("ko", "원-핫 인코딩", "charlm"),
    ("ko", "1×1 합성곱", "cnn"),
    ("ko", "복사 과제", "experiments"),
    ("ko", "torch.nn.LSTM", "lstm"),
    ("ko", "clip_grad_norm", "api/training"),
    ("ko", "용어집", "glossary"),
    ("ko", "벤치마크", "performance"),
    # typed without the space the text has (bookbuild/search.py)
    ("ko", "망각게이트", "lstm"),
    ("ko", "망각게이트는", "lstm"),
    ("ko", "은닉상태", "rnn"),
    ("ko", "셀상태", "lstm"),
    ("ko", "기울기소실", "vanishing"),
    ("ko", "리셋게이트", "gru"),
    ("ko", "업데이트게이트", "gru"),
    ("en", "hidden state", "rnn"),
    ("en", "forget gate", "lstm"),
    ("en", "cell state", "lstm"),
    ("en", "reset gate", "gru"),
    ("en", "vanishing gradient", "vanishing"),
    ("en", "spectral radius", "vanishing"),
    ("en", "truncated BPTT", "bptt"),
    ("en", "temperature", "charlm"),
    ("en", "bidirectional", "deep"),
    ("en", "autoregressive", "sequences"),
    ("en", "stride", "cnn"),
    ("en", "adding problem", "experiments"),
    ("en", "unfolded graph", "rnn"),
    ("en", "clip_grad_norm", "api/training"),
    ("en", "glossary", "glossary"),
    ("en", "benchmark", "performance"),
]

# Records the search worker's messages: READY, each QUERY sent and each
# RESULT, with the time its results were on screen (the frame after it).
SEARCH_SPY_JS = """
(() => {
  const log = window.__rnnbookSearch = {ready: false, queries: [], results: [],
                                        keyValue: null, keyTime: null};
  document.addEventListener("keyup", (ev) => {
    const input = ev.target;
    if (!input.matches || !input.matches(".md-search__input")) return;
    if (input.value !== log.keyValue) {
      log.keyValue = input.value;
      log.keyTime = performance.now();
    }
  }, true);
  const Native = window.Worker;
  if (!Native) return;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (ev) => {
        const m = ev.data || {};
        if (m.type === 1) log.ready = true;
        if (m.type === 3) {
          const rec = {shown: null};
          log.results.push(rec);
          requestAnimationFrame(() => setTimeout(() => { rec.shown = performance.now(); }, 0));
        }
      });
    }
    postMessage(m, ...rest) {
      if (m && m.type === 2) log.queries.push(m.data);
      return super.postMessage(m, ...rest);
    }
  };
})();
"""


# Keys come as from a quick typist, 10 a second. Typed with no delay, every
# keystroke's query waits in Material's search worker behind the previous ones,
# and the latency measured would be that queue's.
TYPING_DELAY_MS = 100


@pytest.fixture(scope="module")
def search(browser, site_url, request):
    """Run a query in the real search box of one language's site.

    Returns (paths of the first results, ms from the last keystroke to the
    results shown)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(SEARCH_SPY_JS)
    monitor = Monitor(context, site_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    latencies = []
    state = {"lang": None}

    def run(lang: str, query: str) -> tuple[list[str], float]:
        monitor.label = f"search {lang} {query!r}"
        if state["lang"] != lang:
            page.goto(site_url + LANGS[lang])
            state["lang"] = lang
        box = page.locator(".md-search__input")
        box.click()
        page.wait_for_function("() => window.__rnnbookSearch.ready", timeout=30_000)
        box.fill("")
        box.press("Backspace")  # a keyup with the empty query
        sent = page.evaluate("() => window.__rnnbookSearch.queries.length")
        box.press_sequentially(query, delay=TYPING_DELAY_MS)
        box.press("End")  # typing Hangul fires no keyup; End does
        handle = page.wait_for_function(
            """([q, sent]) => {
              const log = window.__rnnbookSearch;
              const k = log.queries.lastIndexOf(q);
              if (k < sent || log.keyValue !== q || !log.results[k]
                  || log.results[k].shown === null) return null;
              return log.results[k].shown - log.keyTime;
            }""", arg=[query, sent], timeout=30_000)
        latency = handle.json_value()
        latencies.append(latency)
        hrefs = page.eval_on_selector_all(
            ".md-search-result__list > li.md-search-result__item",
            "items => items.map(li => li.querySelector('a').href)")
        paths = [urlsplit(h).path for h in hrefs]
        return paths, latency

    yield run, monitor
    context.close()
    if latencies:
        say(request.config,
            f"\nsearch: {len(latencies)} queries, median latency from the last "
            f"keystroke to results shown {statistics.median(latencies):.0f} ms "
            f"(max {max(latencies):.0f} ms)")


@pytest.mark.parametrize(
    "lang,query,expected", QUERIES,
    ids=[f"{lang}-{query}" for lang, query, _ in QUERIES])
def test_search_finds_the_page(search, site_url, lang, query, expected):
    run, monitor = search
    paths, _ = run(lang, query)
    want = urlsplit(site_url + LANGS[lang] + expected + "/").path
    top = [p for p in paths[:3]]
    assert want in top, f"{lang} search {query!r}: {want} not among the first three {top} " \
                        f"(all results: {paths})"
    label = f"search {lang} {query!r}"
    errors = monitor.console.pop(label, []) + monitor.failed_requests(label) \
        + monitor.remote.pop(label, []) + monitor.csp.pop(label, [])
    assert errors == []


def test_the_search_index_is_fetched_only_when_the_reader_reaches_for_search(browser, site_url):
    """Pages do not load the search index (docs/assets/search-on-demand.js) until
    the pointer goes over the search box, a search key is pressed, or the page
    was opened from a search result (?h=), whose words are then highlighted."""
    context = browser.new_context(viewport=VIEWPORT)
    asked = []
    context.on("request", lambda r: asked.append(r.url)
               if r.url.endswith("/search/search_index.json") else None)
    page = context.new_page()
    try:
        for path in ["", "lstm/", "en/", "en/lstm/"]:
            page.goto(site_url + path, wait_until="load")
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(500)
        assert asked == [], f"loaded without a reader searching: {asked}"

        page.hover(".md-search__input")  # the pointer over the box
        page.wait_for_timeout(500)
        assert asked == [site_url + "en/search/search_index.json"]
        page.keyboard.press("/")
        page.keyboard.type("forget gate")
        page.wait_for_selector(".md-search-result__item", timeout=30_000)

        page.goto(site_url + "lstm/", wait_until="load")
        page.keyboard.press("s")  # the search key, with the pointer elsewhere
        page.wait_for_timeout(500)
        assert asked[-1] == site_url + "search/search_index.json"

        del asked[:]
        page.goto(site_url + "lstm/?h=%EB%A7%9D%EA%B0%81", wait_until="load")  # ?h=망각
        page.wait_for_selector("mark[data-md-highlight]", timeout=30_000)
        assert asked == [site_url + "search/search_index.json"]
    finally:
        context.close()


def test_blocks_far_down_a_chapter_are_drawn_when_scrolled_to(browser, site_url):
    """Blocks away from the screen are left out of the first layout
    (content-visibility) and drawn once the reader scrolls to them."""
    from io import BytesIO

    from PIL import Image

    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(site_url + "lstm/", wait_until="load")
        last = page.locator(".md-typeset > .rnnbook-figure, .md-typeset > figure").last
        skipped = last.evaluate("""f => f.getBoundingClientRect().top > 2 * innerHeight
            && getComputedStyle(f).contentVisibility === 'auto'""")
        assert skipped, "the control: the chapter's last figure starts out of the layout"
        last.evaluate("f => f.scrollIntoView()")
        page.wait_for_timeout(300)
        shot = Image.open(BytesIO(last.screenshot())).convert("L")
        dark = sum(shot.histogram()[:128])  # pixels of lines and labels
        assert dark > 0.005 * shot.width * shot.height, "the figure was not drawn"
    finally:
        context.close()


def test_a_code_block_is_set_up_when_first_seen_and_reachable_before(browser, site_url):
    """Material sets a code block up (copy button, scroll check) when it first
    comes into view (content.lazy); until then the block takes the focus, in
    case it is wider than the page (bookbuild/a11y.py)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(site_url + "lstm/", wait_until="load")
        last = page.locator(".md-typeset > .highlight > pre > code").last  # not in <details>

        def state(code):
            return code.evaluate("""c => ({
                below: c.getBoundingClientRect().top > 2 * innerHeight,
                buttons: c.parentElement.querySelectorAll('button[data-md-type=copy]').length,
                tabindex: c.getAttribute('tabindex'),
                scrolls: c.scrollWidth > c.clientWidth})""")
        before = state(last)
        assert before["below"], "the control: the chapter's last code block is far down"
        assert before["buttons"] == 0 and before["tabindex"] == "0", before
        last.focus()  # the keyboard reaches it, and that brings it into view
        page.wait_for_function(
            "c => c.parentElement.querySelector('button[data-md-type=copy]')",
            arg=last.element_handle(), timeout=5_000)
        after = state(last)
        assert after["tabindex"] == ("0" if after["scrolls"] else None), after
    finally:
        context.close()
