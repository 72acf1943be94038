"""Run-button benchmark: Python in the browser, cold and warm, and its bytes.

    .venv/bin/python bench/bench_runner.py            # writes bench/runner.json
    .venv/bin/python bench/bench_runner.py --trials 1 # quicker, writes nothing

Builds a copy of the site with the RNN chapter in full (scripts/preview.py's
copy; the other pages as headings), serves it on 127.0.0.1 and drives Debian's
Chromium (/usr/bin/chromium) through Playwright. For each trial, in a fresh
browser context (empty cache):

1. cold start: open the Korean RNN page, click Run under its first runnable
   block; seconds from the click to the block's output (Pyodide, NumPy and
   rnnbook loaded in the worker, then the block run);
2. bytes: the response bodies fetched meanwhile (the worker's requests
   included; the local server does not compress) and a gzip estimate of the
   same files (what a server that compresses, e.g. GitHub Pages, sends);
3. warm runs: Run under every other runnable block of the page, and five more
   times under the first; seconds from the click to the output.

Times are as the test driver sees them (a few ms of polling included).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))  # bookbuild/

from bookbuild.local_site import serve  # noqa: E402
from preview import book_nav, book_pages, copy_project  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
PAGE = "rnn/"
DONE_JS = """(i) => ['ok', 'error', 'stopped'].includes(
  document.querySelectorAll('div.highlight[data-runnable]')[i].dataset.state)"""


def build(work: Path) -> Path:
    project = copy_project(work / "project", book_pages(["rnn.md"]), book_nav())
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                    str(project / "mkdocs.yml"), "-d", str(work / "site")],
                   env=env, check=True)
    return work / "site"


def click_run(page, i: int, timeout: float = 180_000) -> float:
    bar = page.locator(".rb-bar").nth(i)
    bar.evaluate("(el) => { const d = el.closest('details'); if (d) d.open = true; }")
    start = time.perf_counter()
    bar.locator("button.rb-run").click()
    page.wait_for_function(DONE_JS, arg=i, timeout=timeout, polling=5)
    seconds = time.perf_counter() - start
    state = page.locator("div.highlight[data-runnable]").nth(i).get_attribute("data-state")
    if state != "ok":
        raise RuntimeError(f"block {i + 1} of {PAGE} ended {state}")
    return seconds


def trial(browser, url: str, site: Path) -> dict:
    context = browser.new_context()
    fetched = []  # URLs whose bodies arrived, the worker's included
    context.on("requestfinished", lambda r: fetched.append(r.url))
    page = context.new_page()
    page.goto(url + PAGE)
    page.wait_for_load_state("networkidle")
    before = len(fetched)
    cold = click_run(page, 0)
    files = [site / urlsplit(u).path.lstrip("/") for u in fetched[before:]]
    files = [f if f.is_file() else f / "index.html" for f in files]
    count = page.locator("div.highlight[data-runnable]").count()
    warm = [click_run(page, i, 60_000) for i in range(1, count)]
    warm += [click_run(page, 0, 60_000) for _ in range(5)]
    context.close()
    largest = sorted(set(files), key=lambda f: -f.stat().st_size)[:3]
    return {
        "largest": [[f.name, f.stat().st_size] for f in largest],
        "cold_s": round(cold, 2),
        "warm_s": [round(w, 3) for w in warm],
        "requests": len(files),
        "bytes": sum(f.stat().st_size for f in files),
        "bytes_gzip": sum(len(gzip.compress(f.read_bytes(), 6)) for f in files),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="rnnbook-bench-runner-") as tmp:
        site = build(Path(tmp))
        load = os.getloadavg()
        with serve(site) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            trials = [trial(browser, url, site) for _ in range(args.trials)]
            version = browser.version
            browser.close()
    warm = [w for t in trials for w in t["warm_s"]]
    result = {
        "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_before": [round(x, 1) for x in load],
        "chromium": version,
        "page": PAGE,
        "cold_s": [t["cold_s"] for t in trials],
        "cold_median_s": statistics.median(t["cold_s"] for t in trials),
        "warm_median_s": round(statistics.median(warm), 3),
        "warm_max_s": max(warm),
        "warm_runs": len(warm),
        "requests": trials[0]["requests"],
        "bytes": trials[0]["bytes"],
        "bytes_gzip": trials[0]["bytes_gzip"],
        "largest": trials[0]["largest"],
    }
    print(json.dumps(result, indent=1))
    if args.trials >= 3:
        out = ROOT / "bench" / "runner.json"
        out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
