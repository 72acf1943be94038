"""The book as one PDF per language, printed from the built site by Chromium.

    python -m bookbuild.pdf site        # site/pdf/rnnbook-ko.pdf, site/en/pdf/rnnbook-en.pdf

`make pdf` runs it after building the site. For each language, Debian's
Chromium (driven by Playwright, never downloaded, nothing fetched from the
network) opens the built home page served from 127.0.0.1, follows the
navigation in order and takes each page's article as the site shows it:
equations already typeset (MathJax's CHTML and fonts, served by the site),
figures as inline SVG. It assembles them in one print page

- a title page and a table of contents with page numbers;
- each page a chapter starting on a new page, its headings' ids prefixed
  with the chapter, links between pages turned into links inside the PDF;
- collapsible blocks (exercises' solutions, checks against PyTorch) open and
  every tab of a tabbed block shown under its title;

and prints it to A4 with page numbers in the footer and the headings as the
PDF's outline. The table of contents takes two passes: the first print tells
on which page each chapter starts (pdftotext), the second prints the numbers.
Hangul is set in Noto Sans CJK (fonts-noto-cjk, scripts/system-deps.sh), which
Chromium embeds.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from bookbuild.languages import LANGUAGES
from bookbuild.local_site import serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # offline
]
PRINT_PAGE = "rnnbook-print.html"  # written into the site while printing, then removed

TEXT = {
    "ko": {"contents": "차례", "file": "pdf/rnnbook-ko.pdf",
           "note": "이 PDF는 웹 사이트와 같은 커밋에서 만들었다."},
    "en": {"contents": "Contents", "file": "pdf/rnnbook-en.pdf",
           "note": "This PDF was made from the same commit as the web site."},
}

# In the page: the navigation's pages in order (title, absolute URL).
NAV_JS = """
() => Array.from(document.querySelectorAll('.md-nav--primary a.md-nav__link[href]'))
  .map(a => [a.textContent.trim().replace(/\\s+/g, ' '), a.href])
  .filter(([t, h]) => !h.includes('#'))
"""

# In a page: its article, made ready for the book (ids prefixed, links inside
# the book, details open, tabs shown). Arguments: [chapter key, {url: key}, site_url].
ARTICLE_JS = """
([key, chapters, siteUrl]) => {
  const article = document.querySelector('article.md-content__inner').cloneNode(true);
  article.querySelectorAll('.headerlink, .rb-notebook, .md-source-file, .md-content__button')
    .forEach(e => e.remove());
  // (a figure's SVG keeps its ids: its glyphs are drawn by <use href="#id">)
  article.querySelectorAll('[id]').forEach(e => {
    if (!e.closest('svg')) e.id = key + '--' + e.id;
  });
  article.querySelectorAll('label[for]').forEach(e => { e.htmlFor = key + '--' + e.htmlFor; });
  article.querySelectorAll('details').forEach(d => d.setAttribute('open', ''));
  article.querySelectorAll('.tabbed-set').forEach(set => {
    const titles = Array.from(set.querySelectorAll(':scope > .tabbed-labels > label'))
      .map(l => l.textContent.trim());
    set.querySelectorAll(':scope > .tabbed-content > .tabbed-block').forEach((block, i) => {
      const title = document.createElement('p');
      title.className = 'rb-tab-title';
      title.textContent = titles[i] || '';
      block.before(title);
    });
  });
  article.querySelectorAll('a[href]').forEach(a => {
    const url = new URL(a.getAttribute('href'), location.href);
    const page = url.origin + url.pathname;
    if (page in chapters) {
      a.setAttribute('href', '#' + chapters[page] + (url.hash ? '--' + url.hash.slice(1) : ''));
    } else if (url.origin === location.origin) {
      a.setAttribute('href', siteUrl + url.pathname.slice(1) + url.hash);
    }
  });
  article.querySelectorAll('img[src]').forEach(img => { img.src = img.src; });
  const h1 = article.querySelector('h1');
  if (h1) h1.id = key;
  return article.innerHTML;
}
"""

PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 18mm 16mm; }
html, body { background: #fff; }
body { margin: 0; }
.md-typeset { font-size: 10.5pt; }
.md-typeset, .md-typeset code, .md-typeset pre {
  font-family: "Noto Sans CJK KR", "Noto Sans", "DejaVu Sans", sans-serif;
}
.md-typeset code, .md-typeset pre, .md-typeset kbd {
  font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK KR", monospace;
}
.rb-chapter { break-before: page; }
.rb-cover { height: 240mm; display: flex; flex-direction: column; justify-content: center; }
.rb-cover h1 { font-size: 2.4em; margin: 0 0 .4em; }
.rb-cover p { font-size: 1.2em; color: #444; }
.rb-toc { break-before: page; }
.md-typeset .rb-toc ol { list-style: none; padding: 0; margin: 0; }
.md-typeset .rb-toc li { list-style: none; margin: .2em 0; }
.md-typeset .rb-toc li li { margin-left: 1.5em; font-size: .9em; }
.md-typeset .rb-toc a { display: flex; color: inherit; text-decoration: none; }
.rb-toc a .rb-title { flex: 1; }
.rb-toc a .rb-page { width: 3em; text-align: right; }
.md-typeset details { break-inside: auto; }
.md-typeset .tabbed-labels { display: none; }
.md-typeset .tabbed-set > .tabbed-content > .tabbed-block { display: block !important; }
.rb-tab-title { font-weight: 700; margin-bottom: .2em; }
"""

FOOTER = ('<div style="width:100%;font-size:8pt;color:#555;text-align:center;'
          'font-family:sans-serif"><span class="pageNumber"></span> / '
          '<span class="totalPages"></span></div>')


class PdfError(Exception):
    """Chromium or poppler-utils missing, or the built site lacks a page."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def chapter_key(url: str, root: str) -> str:
    """A chapter's id in the book: "ch-rnn" for …/rnn/, "ch-home" for the home page."""
    path = url.removeprefix(root).strip("/").replace("/", "-")
    return "ch-" + (path or "home")


def page_starts(pdf: Path, titles: list[str]) -> list[int]:
    """The page (1-based) on which each chapter title first heads a page, in order."""
    result = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                            capture_output=True, text=True, check=True)
    pages = result.stdout.split("\f")
    starts, after = [], 0
    for title in titles:
        wanted = re.sub(r"\s+", "", title)[:16]
        for k in range(after, len(pages)):
            lines = [line for line in pages[k].splitlines() if line.strip()]
            if lines and re.sub(r"\s+", "", lines[0]).startswith(wanted):
                starts.append(k + 1)
                after = k + 1
                break
        else:
            raise PdfError(f"{pdf}: no page starts with the chapter title {title!r}")
    return starts


def toc_html(chapters: list[dict], numbers: list[int] | None, heading: str) -> str:
    """The table of contents: chapters and their sections, with page numbers."""
    items = []
    for k, chapter in enumerate(chapters):
        number = str(numbers[k]) if numbers else "000"
        sections = "".join(
            f'<li><a href="#{sid}"><span class="rb-title">{title}</span></a></li>'
            for sid, title in chapter["sections"])
        items.append(
            f'<li><a href="#{chapter["key"]}"><span class="rb-title">{chapter["title"]}</span>'
            f'<span class="rb-page">{number}</span></a>'
            + (f"<ol>{sections}</ol>" if sections else "") + "</li>")
    return f'<section class="rb-toc"><h2>{heading}</h2><ol>{"".join(items)}</ol></section>'


SECTIONS_JS = """
(key) => Array.from(document.querySelectorAll('article.md-content__inner h2[id]'))
  .map(h => [key + '--' + h.id,
             Array.from(h.childNodes).filter(n => !(n.classList && n.classList.contains('headerlink')))
               .map(n => n.textContent).join('').trim()])
"""


def collect(page, home: str, language: str) -> tuple[dict, list[dict]]:
    """The home page's head (stylesheets, title) and every page's article, in order."""
    page.goto(home)
    nav = page.evaluate(NAV_JS)
    if not nav:
        raise PdfError(f"{home}: no navigation found")
    head = page.evaluate("""() => ({
        styles: Array.from(document.querySelectorAll('link[rel=stylesheet]')).map(l => l.href),
        title: document.querySelector('meta[property="og:title"]')?.content
               || document.title,
        description: document.querySelector('meta[name=description]')?.content || '',
        siteUrl: document.querySelector('link[rel=canonical]')?.href || ''})""")
    keys = {url: chapter_key(url, home) for _, url in nav}
    chapters = []
    for title, url in nav:
        page.goto(url)
        page.evaluate("() => document.fonts.ready")
        chapters.append({
            "title": title, "key": keys[url],
            # the page's own heading, which starts its first printed page
            "heading": page.evaluate("() => (document.querySelector('article h1')"
                                     "?.textContent || '').replace('\u00b6', '').trim()"),
            "sections": page.evaluate(SECTIONS_JS, keys[url]),
            "html": page.evaluate(ARTICLE_JS, [keys[url], keys, "@@SITE@@"]),
        })
    return head, chapters


def print_page(head: dict, chapters: list[dict], language: str, site_url: str,
               numbers: list[int] | None) -> str:
    """The whole book as one HTML page."""
    styles = "".join(f'<link rel="stylesheet" href="{href}">' for href in head["styles"])
    body = "".join(f'<section class="rb-chapter">{c["html"]}</section>' for c in chapters)
    body = body.replace("@@SITE@@", site_url)
    words = TEXT[language]
    cover = (f'<section class="rb-cover"><h1>{head["title"]}</h1>'
             f'<p>{head["description"]}</p><p>{site_url}</p><p>{words["note"]}</p></section>')
    return (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{head['title']}</title>{styles}<style>{PRINT_CSS}</style></head>"
            '<body dir="ltr" data-md-color-scheme="default" data-md-color-primary="indigo">'
            '<div class="md-content"><article class="md-content__inner md-typeset">'
            f"{cover}{toc_html(chapters, numbers, words['contents'])}{body}"
            "</article></div></body></html>")


def make_pdf(site: Path, language: str, browser) -> Path:
    """Print one language's book to site/<lang>/pdf/rnnbook-<lang>.pdf; returns its path."""
    folder = site / LANGUAGES[language]
    target = folder / TEXT[language]["file"]
    target.parent.mkdir(parents=True, exist_ok=True)
    with serve(site) as root:
        page = browser.new_page()
        page.set_default_timeout(600_000)  # one page of ~200 printed pages lays out slowly
        began = time.perf_counter()
        head, chapters = collect(page, root + LANGUAGES[language], language)
        log(f"{language}: {len(chapters)} pages read in {time.perf_counter() - began:.1f} s")
        site_url = head["siteUrl"]  # the home page's canonical address: site_url
        numbers = None
        for _ in range(2):  # pass 1 finds where chapters start, pass 2 prints the numbers
            html = print_page(head, chapters, language, site_url, numbers)
            (folder / PRINT_PAGE).write_text(html, encoding="utf-8")
            try:
                page.goto(root + LANGUAGES[language] + PRINT_PAGE)
                page.evaluate("() => document.fonts.ready")
                page.pdf(path=str(target), format="A4", print_background=True,
                         display_header_footer=True, header_template="<span></span>",
                         footer_template=FOOTER, outline=True, tagged=True,
                         margin={"top": "16mm", "bottom": "18mm", "left": "15mm",
                                 "right": "15mm"})
            finally:
                (folder / PRINT_PAGE).unlink()
            numbers = page_starts(target, [c["heading"] or c["title"] for c in chapters])
            log(f"{language}: printed {target.name} at {time.perf_counter() - began:.1f} s")
        page.close()
    return target


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "site").resolve()
    if not (site / "index.html").is_file():
        raise PdfError(f"{site}: no built site (run `make build` first)")
    if not CHROMIUM.is_file():
        raise PdfError(f"Debian chromium is missing at {CHROMIUM}: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for language in LANGUAGES:
                path = make_pdf(site, language, browser)
                print(json.dumps({"pdf": str(path), "bytes": path.stat().st_size}))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
