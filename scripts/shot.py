"""Screenshot pages in headless Debian Chromium (for looking at what we built).

    python scripts/shot.py URL OUT.png [URL OUT.png ...]

Prints requests that left 127.0.0.1 and console errors, if any.
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def main(argv):
    pairs = list(zip(argv[0::2], argv[1::2]))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        problems = []
        page.on("request", lambda r: None if r.url.startswith(
            ("http://127.0.0.1", "data:")) else problems.append("remote: " + r.url))
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" else None)
        page.on("requestfailed", lambda r: problems.append("failed: " + r.url))
        for url, out in pairs:
            page.goto(url)
            page.evaluate("document.fonts.ready.then(() => true)")  # the math fonts
            # every block laid out, not only those near the screen (content-visibility)
            page.evaluate("""() => document.querySelectorAll('.md-typeset > *').forEach(
                e => { e.style.contentVisibility = 'visible'; })""")
            page.screenshot(path=out, full_page=True)
            print(out)
        browser.close()
    for problem in problems:
        print(problem)


if __name__ == "__main__":
    main(sys.argv[1:])
