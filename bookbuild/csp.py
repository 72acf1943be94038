"""A Content-Security-Policy on every page: nothing loads from another host.

Static hosting (GitHub Pages) sets no headers, so the policy is a
`<meta http-equiv="Content-Security-Policy">` tag, the first element of each
page's `<head>` after the character set (a policy in a meta tag governs only
what comes after it). The browser then refuses, and reports, anything the
page would load from another host, and any script the build did not write.

Each source the policy allows, and why:

- `default-src 'none'`: whatever is not listed below is refused (frames,
  objects, media, manifests).
- `script-src 'self'` + one `'sha256-…'` per inline script: the theme's and the
  site's script files, and the inline scripts Material writes into each page
  (the base URL, the palette and the tabs read from local storage). Their
  hashes are computed here, from the page as written, so an inline script
  added to a page later, or an inline event handler (`onclick="…"`), is
  refused. No `'unsafe-inline'`, no `'unsafe-eval'`. (`'report-sample'` allows
  nothing: it puts the start of a refused inline script into the violation
  report, so that the browser tests can say which script it was.)
- `style-src 'self' 'unsafe-inline'`: the theme's style sheets, plus inline
  styles, which the pages need: the build-time figures are SVG with `style`
  attributes and `<style>` elements (matplotlib), MathJax's output sizes
  characters with `style` attributes, and Material sets `style` attributes.
  Inline styles cannot load anything from another host: `@import` still
  obeys `style-src 'self'`, and `url(…)` obeys `img-src`/`font-src`.
- `img-src 'self' data:`: the figures and the favicon, and Material's icons,
  which its style sheets embed as `data:` SVG images.
- `font-src 'self'`: MathJax's fonts, served by the site (text uses the
  reader's installed fonts).
- `connect-src 'self'`: the search index and, for the Run buttons, Pyodide's
  files are fetched from the site.
- `worker-src 'self'`: Material's search and the Run buttons' Python run in
  web workers whose scripts the site serves. (A worker loaded from the site
  is governed by its own response's policy, not by this tag; that is also why
  the page needs no `'wasm-unsafe-eval'`: WebAssembly is compiled only in the
  Python worker.)
- `base-uri 'self'`, `form-action 'self'`: no injected `<base>` or form can
  send the reader elsewhere.

Under `mkdocs serve`, MkDocs adds an inline live-reload script to each page
as it sends it (a new one for every request), which no hash can allow: there
`script-src` is `'self' 'unsafe-inline'` instead of the hashes. Everything
else, and so the promise that nothing is loaded from another host, is the
same as in the built site.

scripts/hooks.py calls `add_policy` last in `on_post_page` (after every other
change to the page) and on the 404 page.
"""

from __future__ import annotations

import base64
import hashlib
import re

POLICY = {
    "default-src": ["'none'"],
    "script-src": ["'self'", "'report-sample'"],  # + the page's inline script hashes
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}

# A <script> element and its text. The text of a script element is raw: what
# the browser hashes is exactly the characters between the tags.
_SCRIPT = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<text>.*?)</script\s*>",
                     re.S | re.I)
_TYPE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SRC = re.compile(r"\ssrc\s*=", re.I)
# types the browser runs as JavaScript (others, like application/json, are data)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
_HEAD = re.compile(r"<head(\s[^>]*)?>", re.I)
_EXISTING = re.compile(r"<meta\s+http-equiv=\"Content-Security-Policy\"", re.I)


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources ("'sha256-…'") of the inline scripts the browser would run.

    >>> inline_script_hashes('<script>a=1</script><script src="x.js"></script>'
    ...                      '<script type="application/json">{}</script>')
    ["'sha256-wi/qXXQo5c9H72NUyXySI8ldbc3D4NIwD/eQVrH/PYU='"]
    """
    found = []
    for match in _SCRIPT.finditer(html):
        attrs = match["attrs"]
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind and kind.group(1).lower() not in _JS_TYPES):
            continue
        digest = hashlib.sha256(match["text"].encode("utf-8")).digest()
        source = f"'sha256-{base64.b64encode(digest).decode('ascii')}'"
        if source not in found:
            found.append(source)
    return found


def policy_for(html: str, serving: bool = False) -> str:
    """The policy of one page: POLICY with its inline scripts' hashes (or,
    when `serving`, with `'unsafe-inline'` for MkDocs' live-reload script)."""
    directives = {name: list(sources) for name, sources in POLICY.items()}
    directives["script-src"] += ["'unsafe-inline'"] if serving else inline_script_hashes(html)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def add_policy(html: str, serving: bool = False) -> str:
    """Insert the page's policy tag right after `<meta charset>` (or `<head>`).

    `serving`: under `mkdocs serve` (see the module's docstring).

    Raises:
        ValueError: the page has no `<head>`, or already has a policy tag.
    """
    if _EXISTING.search(html):
        raise ValueError("the page already has a Content-Security-Policy meta tag")
    tag = f'<meta http-equiv="Content-Security-Policy" content="{policy_for(html, serving)}">'
    anchor = _CHARSET.search(html) or _HEAD.search(html)
    if anchor is None:
        raise ValueError("html must have a <head> to hold the policy, got none")
    return f"{html[:anchor.end()]}\n    {tag}{html[anchor.end():]}"
