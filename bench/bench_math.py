"""Before/after of typesetting the equations at build time (issue 14).

    .venv/bin/python bench/bench_math.py                # before = 1d89929^, after = HEAD
    .venv/bin/python bench/bench_math.py --before REV --after REV

Each revision is exported with `git archive` into a temporary folder and
built cold and strictly, both languages (bench_site.cold_build); the build's
wall time and the CPU time of all its processes (the English worker and the
node typesetters included) are recorded with the load average, since the
machine may be shared. Then headless Chromium opens every page of the built
site once with an empty cache (bench_site.page_bytes: bytes transferred, the
load event, and the end of in-browser typesetting where a page still
typesets), and the heaviest chapter three more times (median).
The results go to bench/math_render.json, which the performance page reads.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import bench_site

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "math_render.json"
REPEATS = 3


def export(rev: str, dest: Path) -> Path:
    """The tree of `rev` in dest (plus the fetched Pyodide files the build checks)."""
    dest.mkdir(parents=True)
    archive = dest.parent / f"{dest.name}.tar"
    subprocess.run(["git", "archive", "-o", str(archive), rev], cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest, filter="data")
    archive.unlink()
    if (ROOT / ".deps").exists():
        (dest / ".deps").symlink_to(ROOT / ".deps")
    return dest


def build(project: Path, out: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    result = bench_site.cold_build(project, out)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": result["seconds"], "cpu_seconds": round(cpu, 1),
            "load_before": round(load, 2), "ok": result["ok"],
            "warnings": result["warnings"]}


def pages(site: Path) -> dict:
    from playwright.sync_api import sync_playwright

    with bench_site.serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=bench_site.CHROMIUM,
                                    args=bench_site.CHROMIUM_ARGS)
        try:
            found = {path: bench_site.page_bytes(browser, url + path)
                     for path in bench_site._site_pages(site)}
            heaviest = max(found, key=lambda k: found[k]["bytes"])
            runs = [found[heaviest]] + [bench_site.page_bytes(browser, url + heaviest)
                                        for _ in range(REPEATS)]
        finally:
            browser.close()
    slowest = max(found, key=lambda k: found[k]["ready_ms"])
    return {
        "heaviest": {"path": heaviest, "bytes": found[heaviest]["bytes"],
                     "bytes_gzip": found[heaviest]["bytes_gzip"],
                     "requests": found[heaviest]["requests"],
                     "largest": found[heaviest]["largest"],
                     "load_ms": statistics.median(r["load_ms"] for r in runs),
                     "ready_ms": statistics.median(r["ready_ms"] for r in runs)},
        "slowest": {"path": slowest, "ready_ms": found[slowest]["ready_ms"]},
        "pages": {k: {key: v[key] for key in ("bytes", "load_ms", "ready_ms")}
                  for k, v in found.items()},
    }


def measure(rev: str, work: Path, log=print) -> dict:
    commit = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    project = export(rev, work / commit / "project")
    log(f"{rev} ({commit}): cold build ...")
    result = {"rev": commit, "build": build(project, work / commit / "site")}
    b = result["build"]
    log(f"  {b['seconds']} s wall, {b['cpu_seconds']} s CPU, load {b['load_before']}, "
        f"ok={b['ok']} ({b['warnings']} warnings)")
    result.update(pages(work / commit / "site"))
    h = result["heaviest"]
    log(f"  heaviest {h['path']}: {h['bytes']} B, load {h['load_ms']} ms, "
        f"ready {h['ready_ms']} ms; slowest {result['slowest']}")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="1d89929^")
    parser.add_argument("--after", default="HEAD")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="rnnbook-bench-math-"))
    try:
        results = {"started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                   "before": measure(args.before, work),
                   "after": measure(args.after, work)}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    OUT.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
