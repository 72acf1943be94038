"""Site benchmark: cold build, snippet time per page, rebuilds in mkdocs serve,
bytes a browser loads, search latency. Called by ``bench_rnn.py --site``.

Everything runs on a snapshot copy of the working tree (the site machinery, both
languages' pages, the package and bench/ with the results files pages read) in a
temporary folder, so
edits made for the rebuild timing never touch the real pages and other people's
edits during the run do not disturb it.

1. Cold build: ``mkdocs build --strict`` of the whole site (both languages; the
   English build runs in parallel, see bookbuild/languages.py) into an empty folder,
   every snippet executed; wall time. bench/_snippet_timer/sitecustomize.py
   records, per page, the time spent executing its code blocks and rendering it.
2. Incremental rebuild: ``mkdocs serve --strict -a 127.0.0.1:PORT`` (what
   ``make serve`` runs, on a free port): wait for the first build, append a
   marker paragraph to one page, and time until the served page contains it;
   then restore the page and time until the marker is gone (a second sample).
   Korean and English page each, ``trials`` times.
3. Bytes: headless Chromium (Debian's /usr/bin/chromium through Playwright)
   loads every page of the built site from a local server with an empty cache;
   the sum over all its requests (the page's and its workers') of response body
   plus header bytes (the local server does not compress: these are the bytes
   on the wire here), and a gzip estimate of the same responses (what a server
   that compresses text, e.g. GitHub Pages, would send). The search index is
   not among them: a page fetches it only when the reader reaches for search
   (docs/assets/search-on-demand.js). The load event is the median of
   LOADS loads, each with an empty cache (one load varies by 10-20 % here).
4. Search: the real search box, typed like a quick reader (one key every
   TYPING_DELAY_MS); ms from the last keystroke to the results on screen.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # bookbuild/

from bookbuild.local_site import serve  # noqa: E402

PYTHON = sys.executable
# what a build reads: configs, hooks, bookbuild/, the pages, the package and what
# its wheel is built from, bench/ (the results files that pages read)
SNAPSHOT = ["mkdocs.yml", "mkdocs.en.yml", "scripts", "bookbuild", "overrides", "docs", "rnnbook",
            "bench", "pyproject.toml", "README.md"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TEXT_TYPES = ("text/", "javascript", "json", "xml", "svg")
VIEWPORT = {"width": 1280, "height": 900}  # every page is opened in this window
LOADS = 3  # loads of each page; its load event is their median
# A quick typist: 10 keys a second. With no delay (Playwright's default) every
# key of a word arrives within a few ms, and Material's search worker answers
# each keystroke's query in turn, so the last one waits behind the others.
TYPING_DELAY_MS = 100
SEARCHES = [("ko", "망각 게이트"), ("ko", "은닉 상태"), ("ko", "기울기 소실"),
            ("en", "forget gate"), ("en", "hidden state"), ("en", "truncated BPTT")]


def _env(**extra):
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", **extra}


def snapshot(dest: Path) -> Path:
    for name in SNAPSHOT:
        src, target = ROOT / name, dest / name
        if not src.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, target)
    if (ROOT / ".deps").exists():  # Pyodide, fetched by `make install` (not in git)
        (dest / ".deps").symlink_to(ROOT / ".deps", target_is_directory=True)
    return dest


# ------------------------------------------------------------------ 1. cold build


def cold_build(project: Path, out: Path) -> dict:
    times_file = project.parent / "snippet-times.jsonl"
    env = _env(RNNBOOK_SNIPPET_TIMES=str(times_file),
               PYTHONPATH=os.pathsep.join(
                   [str(HERE / "_snippet_timer"), os.environ.get("PYTHONPATH", "")]))
    start = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"),
         "-d", str(out)], cwd=project, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    pages = []
    if times_file.exists():
        for line in times_file.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            rec["page"] = Path(rec["page"]).relative_to(project / "docs").as_posix()
            pages.append({k: (round(v, 3) if isinstance(v, float) else v)
                          for k, v in rec.items()})
    pages.sort(key=lambda r: -r["exec_s"])
    return {
        "seconds": round(seconds, 2),
        "ok": result.returncode == 0,
        "warnings": sum(1 for line in log.splitlines() if "WARNING" in line),
        "log_tail": log.strip().splitlines()[-3:],
        "snippet_seconds_total": round(sum(p["exec_s"] for p in pages), 2),
        "blocks_total": sum(p["blocks"] for p in pages),
        "pages": pages,
    }


# ------------------------------------------------------------------ 2. serve


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - not up yet, or mid-rebuild
        return None


def _wait(predicate, timeout, interval=0.05):
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if predicate():
            return time.perf_counter() - start
        time.sleep(interval)
    return None


def serve_rebuilds(project: Path, page: str, trials: int) -> dict:
    port = _free_port()
    command = [PYTHON, "-m", "mkdocs", "serve", "-f", str(project / "mkdocs.yml"),
               "-a", f"127.0.0.1:{port}", "--strict"]
    log_path = project.parent / "serve.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=project, env=_env(), stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True,
                               # SIGINT stops it even when this script runs in the
                               # background of a shell, which starts it ignored
                               preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                signal.SIG_DFL))
    slug = page.removesuffix(".md")
    result = {"command": " ".join(["mkdocs", *command[3:]]).replace(str(project), "."),
              "page": page, "samples": {"ko": [], "en": []}}
    try:
        # mkdocs serve builds first, then prints the address it serves on (it
        # includes the path of site_url, e.g. /rnnbook/)
        first = _wait(lambda: process.poll() is not None or "Serving on" in
                      log_path.read_text(encoding="utf-8", errors="replace"), timeout=900)
        if first is None or process.poll() is not None:
            raise RuntimeError(f"mkdocs serve did not come up; see {log_path}")
        result["first_build_s"] = round(time.perf_counter() - start, 2)
        text = log_path.read_text(encoding="utf-8", errors="replace")
        base = re.search(r"Serving on (http://\S+?/)\s", text)[1]
        urls = {"ko": f"{base}{slug}/", "en": f"{base}en/{slug}/"}
        result["url"] = urls["ko"].replace(str(port), "PORT")
        if _wait(lambda: _get(urls["en"]) is not None, timeout=60) is None:
            raise RuntimeError(f"{urls['en']} is not served; see {log_path}")
        time.sleep(2)  # let the watcher settle
        for trial in range(trials):
            for lang, url in urls.items():
                path = project / "docs" / lang / page
                original = path.read_text(encoding="utf-8")
                marker = f"benchmarker{trial}{lang}{int(time.time() * 1000)}"
                t0 = time.perf_counter()
                path.write_text(original + f"\n\n{marker}\n", encoding="utf-8")
                shown = _wait(lambda: marker in (_get(url) or ""), timeout=900)
                result["samples"][lang].append(
                    None if shown is None else round(time.perf_counter() - t0, 2))
                # restore the page: a second rebuild, timed the same way
                t0 = time.perf_counter()
                path.write_text(original, encoding="utf-8")
                gone = _wait(lambda: (lambda html: html is not None and marker not in html)(
                    _get(url)), timeout=900)
                result["samples"][lang].append(
                    None if gone is None else round(time.perf_counter() - t0, 2))
                time.sleep(1)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
    every = [s for v in result["samples"].values() for s in v if s is not None]
    result["median_s"] = round(statistics.median(every), 2) if every else None
    result["max_s"] = max(every) if every else None
    return result


# ------------------------------------------------------------------ 3./4. browser


def _site_pages(site: Path):
    for path in sorted(site.rglob("index.html")):
        rel = path.parent.relative_to(site).as_posix()
        if rel.startswith(("assets", "search")):
            continue
        yield "" if rel == "." else rel + "/"


# Records when an in-browser MathJax (the site before build-time math) finished
# typesetting: until then the page's equations are not readable.
TYPESET_SPY_JS = """
(() => {
  const poll = setInterval(() => {
    const M = window.MathJax;
    if (!(M && M.startup && M.startup.promise)) return;
    clearInterval(poll);
    M.startup.promise.then(() => { window.__benchTypeset = performance.now(); });
  }, 5);
  addEventListener("load", () => setTimeout(() => {
    if (!window.MathJax) clearInterval(poll);
  }, 0));
})();
"""


def page_bytes(browser, url: str) -> dict:
    """Bytes one page loads with an empty cache, until the network is idle,
    and when it is ready to read.

    Every request of the page and of its workers (the search worker fetches the
    search index) is counted: response body bytes plus header bytes as the
    browser received them, and a gzip estimate of the text responses.
    load_ms is the load event (loadEventEnd, ms after navigation start), the
    median of LOADS loads with an empty cache (load_ms_each: all of them);
    ready_ms is the later of it and the end of typesetting in the browser, if
    the page typesets (older builds ran MathJax in the page).
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(TYPESET_SPY_JS)
    finished = []
    context.on("requestfinished", lambda request: finished.append(request))
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate("""async () => {
        if (window.MathJax && MathJax.startup && MathJax.startup.promise)
            await MathJax.startup.promise;
    }""")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    timing = page.evaluate("""() => ({
        load: performance.getEntriesByType("navigation")[0].loadEventEnd,
        typeset: window.__benchTypeset || null})""")
    total = total_gzip = 0
    files = []
    for request in finished:
        response = request.response()
        sizes = request.sizes()
        try:
            body = response.body() if response else b""
        except Exception:  # noqa: BLE001 - body no longer available
            body = b""
        headers = sizes["responseHeadersSize"]
        size = max(sizes["responseBodySize"], len(body)) + headers
        mime = response.headers.get("content-type", "") if response else ""
        zipped = size
        if body and any(t in mime for t in TEXT_TYPES):
            zipped = len(gzip.compress(body, 6)) + headers
        total += size
        total_gzip += zipped
        files.append((request.url.split("/", 3)[-1], size))
    context.close()
    files.sort(key=lambda f: -f[1])
    loads = [round(timing["load"])] + [load_event(browser, url) for _ in range(LOADS - 1)]
    load_ms = round(statistics.median(loads))
    ready_ms = round(max(load_ms, timing["typeset"] or 0))
    return {"bytes": total, "bytes_gzip": total_gzip, "requests": len(finished),
            "load_ms": load_ms, "load_ms_each": loads, "ready_ms": ready_ms,
            "largest": files[:5]}


def load_event(browser, url: str) -> int:
    """ms from navigation start to the end of the load event, empty cache."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url, wait_until="load")
    load = page.evaluate('performance.getEntriesByType("navigation")[0].loadEventEnd')
    context.close()
    return round(load)


SEARCH_SPY_JS = """
(() => {
  const log = window.__benchSearch = {ready: false, queries: [], results: [],
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


def search_latency(browser, site_url: str) -> dict:
    """ms from the last keystroke to the results shown (the spy is the same as in
    tests/site/test_browser.py: it watches the search worker's messages)."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(SEARCH_SPY_JS)
    page = context.new_page()
    out = []
    lang_now = None
    for lang, query in SEARCHES:
        if lang != lang_now:
            page.goto(site_url + ("en/" if lang == "en" else ""))
            lang_now = lang
        box = page.locator(".md-search__input")
        box.click()
        page.wait_for_function("() => window.__benchSearch.ready", timeout=30_000)
        box.fill("")
        box.press("Backspace")
        sent = page.evaluate("() => window.__benchSearch.queries.length")
        box.press_sequentially(query, delay=TYPING_DELAY_MS)
        box.press("End")
        latency = page.wait_for_function(
            """([q, sent]) => {
              const log = window.__benchSearch;
              const k = log.queries.lastIndexOf(q);
              if (k < sent || log.keyValue !== q || !log.results[k]
                  || log.results[k].shown === null) return null;
              return log.results[k].shown - log.keyTime;
            }""", arg=[query, sent], timeout=30_000).json_value()
        out.append({"lang": lang, "query": query, "ms": round(latency, 1)})
        box.press("Escape")
    context.close()
    ms = [r["ms"] for r in out]
    return {"queries": out, "median_ms": round(statistics.median(ms), 1),
            "max_ms": max(ms)}


def browser_measures(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = {path: page_bytes(browser, url + path) for path in _site_pages(site)}
            search = search_latency(browser, url)
        finally:
            browser.close()
    chapters = {k: v for k, v in pages.items() if k not in ("", "en/")}
    heaviest = max(chapters, key=lambda k: chapters[k]["bytes"])
    heaviest_page = max(pages, key=lambda k: pages[k]["bytes"])
    slowest = max(pages, key=lambda k: pages[k]["ready_ms"])
    return {
        "home": {"ko": pages[""], "en": pages["en/"]},
        "heaviest_chapter": {"path": heaviest, **pages[heaviest]},
        "heaviest_page": {"path": heaviest_page, **pages[heaviest_page]},
        "slowest_page": {"path": slowest, **pages[slowest]},
        # fetched by a page only once the reader reaches for search
        "search_index_bytes": {lang: (site / folder / "search" / "search_index.json").stat().st_size
                               for lang, folder in (("ko", ""), ("en", "en"))},
        "pages": {k: {"bytes": v["bytes"], "bytes_gzip": v["bytes_gzip"],
                      "requests": v["requests"], "load_ms": v["load_ms"],
                      "load_ms_each": v["load_ms_each"],
                      "ready_ms": v["ready_ms"]} for k, v in pages.items()},
        "search": search,
    }


# ------------------------------------------------------------------ all


def run(page: str = "rnn.md", trials: int = 2, log=print) -> dict:
    work = Path(tempfile.mkdtemp(prefix="rnnbook-bench-site-"))
    result = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "load_before": [round(v, 2) for v in os.getloadavg()]}
    try:
        project = snapshot(work / "project")
        site = work / "site"
        log("site: cold build ...")
        result["cold_build"] = cold_build(project, site)
        cb = result["cold_build"]
        log(f"  {cb['seconds']} s (ok={cb['ok']}, {cb['warnings']} warnings), "
            f"snippets {cb['snippet_seconds_total']} s in {cb['blocks_total']} blocks")
        if not cb["ok"]:  # a failed build measures nothing
            raise RuntimeError("the cold build failed:\n" + "\n".join(cb["log_tail"]))
        for p in cb["pages"][:8]:
            log(f"    {p['page']:24} {p['blocks']:3} blocks {p['exec_s']:7.2f} s exec "
                f"{p['render_s']:7.2f} s render")
        log("site: bytes and search in headless Chromium ...")
        result["browser"] = browser_measures(site)
        b = result["browser"]
        log(f"  home ko {b['home']['ko']['bytes']} B (gzip ~{b['home']['ko']['bytes_gzip']}),"
            f" heaviest {b['heaviest_chapter']['path']} {b['heaviest_chapter']['bytes']} B"
            f" (load {b['heaviest_chapter']['load_ms']} ms,"
            f" ready {b['heaviest_chapter']['ready_ms']} ms);"
            f" search median {b['search']['median_ms']} ms")
        log("site: incremental rebuild, mkdocs serve --strict ...")
        try:
            result["serve"] = serve_rebuilds(project, page, trials)
            log(f"  first build {result['serve']['first_build_s']} s, rebuild samples "
                f"{result['serve']['samples']}")
        except RuntimeError as error:
            tail = (work / "serve.log").read_text(errors="replace").splitlines()[-5:]
            result["serve"] = {"error": str(error), "log_tail": tail}
            log(f"  failed: {error}\n    " + "\n    ".join(tail))
    finally:
        result["load_after"] = [round(v, 2) for v in os.getloadavg()]
        shutil.rmtree(work, ignore_errors=True)
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=1, ensure_ascii=False))
