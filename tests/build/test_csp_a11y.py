"""bookbuild.csp (the pages' Content-Security-Policy) and bookbuild.a11y
(focusable table regions), without MkDocs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bookbuild.a11y import focusable_code, focusable_equations, focusable_tables  # noqa: E402
from bookbuild.csp import add_policy, inline_script_hashes, policy_for  # noqa: E402

# A page as Material writes it (trimmed): inline scripts in <head> and <body>,
# the JSON config (data, not a script), and script files.
PAGE = """<!doctype html>
<html lang="ko">
  <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width">
      <link rel="stylesheet" href="assets/stylesheets/main.css">
      <script>__md_scope=new URL(".",location)</script>
  </head>
  <body>
    <script>var palette=__md_get("__palette")</script>
    <script id="__config" type="application/json">{"base": "."}</script>
    <script src="assets/javascripts/bundle.js"></script>
    <script>a=1</script>
  </body>
</html>
"""
# sha256 of the bytes `a=1`, base64, as given by
# `printf 'a=1' | openssl dgst -sha256 -binary | base64`
A_EQUALS_1 = "'sha256-wi/qXXQo5c9H72NUyXySI8ldbc3D4NIwD/eQVrH/PYU='"


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        out[name] = sources
    return out


def test_each_inline_script_is_hashed_and_nothing_else():
    hashes = inline_script_hashes(PAGE)
    assert len(hashes) == 3  # __md_scope, palette, a=1; not the JSON, not the file
    assert A_EQUALS_1 in hashes
    assert inline_script_hashes(PAGE.replace("<script>a=1</script>", "")) == hashes[:2]


def test_a_changed_script_gets_another_hash():
    assert inline_script_hashes("<script>a=2</script>") != [A_EQUALS_1]
    assert inline_script_hashes("<script type=module>a=1</script>") == [A_EQUALS_1]
    assert inline_script_hashes('<script type="text/plain">a=1</script>') == []


def test_policy_allows_only_the_site_and_its_own_inline_scripts():
    policy = directives(policy_for(PAGE))
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"][:2] == ["'self'", "'report-sample'"]
    assert all(s.startswith("'sha256-") for s in policy["script-src"][2:])
    assert len(policy["script-src"]) == 2 + 3
    for name, sources in policy.items():
        assert "*" not in sources and not any(s.startswith(("http", "https:")) for s in sources), name
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    for name in ["style-src", "img-src", "font-src", "connect-src", "worker-src"]:
        assert policy[name][0] == "'self'", name


def test_policy_tag_comes_right_after_the_charset():
    html = add_policy(PAGE)
    head = html.split("<head>", 1)[1]
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    assert lines[0] == '<meta charset="utf-8">'
    assert lines[1].startswith('<meta http-equiv="Content-Security-Policy" content="default-src')
    assert html.count("Content-Security-Policy") == 1


def test_policy_errors_name_the_problem():
    with pytest.raises(ValueError, match="<head>"):
        add_policy("<p>no head</p>")
    with pytest.raises(ValueError, match="already has"):
        add_policy(add_policy(PAGE))


def test_tables_become_focusable_named_regions():
    html = "<p>a</p><table>\n<tr><td>1</td></tr>\n</table><table><tr><td>2</td></tr></table>"
    out = focusable_tables(html, "ko")
    assert out.count('<div class="rnnbook-scroll" tabindex="0" role="region" aria-label="표">') == 2
    assert out.count("</table></div>") == 2
    assert 'aria-label="Table"' in focusable_tables(html, "en")


def test_code_tables_are_left_alone():
    html = '<table class="highlighttable"><tr><td>1</td></tr></table>'
    assert focusable_tables(html, "en") == html


def test_unknown_language_is_named():
    with pytest.raises(ValueError, match="lang must be one of.*'fr'"):
        focusable_tables("<table></table>", "fr")


def test_displayed_equations_take_the_focus_inline_ones_do_not():
    html = ('<p><span class="arithmatex"><mjx-container>x</mjx-container></span></p>'
            '<div class="arithmatex"><mjx-container display="true">y</mjx-container></div>')
    out = focusable_equations(html)
    assert out.count('tabindex="0"') == 1
    assert '<div class="arithmatex" tabindex="0">' in out


def test_code_blocks_take_the_focus_inline_code_and_diagrams_do_not():
    html = ('<pre><span></span><code><span class="k">def</span></code></pre>'
            '<pre class="highlight"><code class="language-python">x</code></pre>'
            '<p><code>inline</code></p><pre class="mermaid"><code>graph</code></pre>'
            '<pre><span></span><codex>not code</codex></pre>')
    out = focusable_code(html)
    assert out.count('tabindex="0"') == 2
    assert '<pre><span></span><code tabindex="0"><span class="k">' in out
    assert '<pre class="highlight"><code tabindex="0" class="language-python">' in out
    assert '<p><code>inline</code>' in out and '<pre class="mermaid"><code>' in out


def test_under_mkdocs_serve_inline_scripts_are_allowed_without_hashes():
    """MkDocs' live-reload script differs on every request: no hash can allow it."""
    policy = directives(policy_for(PAGE, serving=True))
    assert policy["script-src"] == ["'self'", "'report-sample'", "'unsafe-inline'"]
    built = directives(policy_for(PAGE))
    assert {k: v for k, v in policy.items() if k != "script-src"} == \
        {k: v for k, v in built.items() if k != "script-src"}
