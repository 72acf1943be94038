"""MkDocs hooks: wire MkDocs' events to the build modules in bookbuild/.

Each concern lives in its own module, which works and is tested without
MkDocs (tests/build/):

- bookbuild.languages: the Korean build also builds the English one
  (mkdocs.en.yml, in a second process) into site/en/;
- bookbuild.translations: every page has its translation, with the same
  equations and code;
- bookbuild.snippets: the snippets' environment, and the serve cache;
- bookbuild.messages: warnings name their page;
- bookbuild.assets: docs/assets/ and MathJax's fonts, served by the site;
- bookbuild.math: equations typeset when the site is built (node, MathJax 3);
- bookbuild.links: the language switcher leads to the same page;
- bookbuild.builddate: the build date is the last commit's time.
- bookbuild.runner: Run buttons on Python blocks (Pyodide served by the site);
- bookbuild.search: Korean search finds 망각 게이트 when typed 망각게이트.
- bookbuild.notebooks: a Jupyter notebook per chapter, linked under its title;
- bookbuild.downloads: the home page links the PDF (`make pdf`) and the wheel;
- bookbuild.repository: repository links from GitHub Actions' environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
if str(ROOT) not in sys.path:  # bookbuild/, for this file and build-time snippets
    sys.path.insert(0, str(ROOT))

from bookbuild import a11y, csp  # noqa: E402  (focusable regions, Content-Security-Policy)
from bookbuild import (  # noqa: E402
    assets, builddate, downloads, languages, links, messages, notebooks,
    repository, runner, search, snippets, translations,
)
from bookbuild import math  # noqa: E402

# the build machinery stays imported across `mkdocs serve` rebuilds
_MACHINERY = {m.__name__ for m in list(globals().values())
              if isinstance(m, ModuleType) and m.__name__.startswith("bookbuild.")}
_english = {}  # the English build's folder while it runs

snippets.limit_threads()


def on_startup(command, dirty):
    if command == "serve":
        snippets.start_serving()


def on_config(config):
    builddate.fix_build_date(ROOT)
    os.environ["RNNBOOK_LANG"] = languages.language(config)  # read by bookfig.tr
    repository.apply(config, languages.language(config))
    return config


def on_pre_build(config):
    try:
        math.start()  # one node process typesets this language's equations
    except RuntimeError as error:  # node missing
        raise PluginError(str(error)) from None
    snippets.forget_page_modules(keep=_MACHINERY)
    snippets.SnippetCache.start_build(ROOT)
    notebooks.start_build()  # records the snippets' outputs for the notebooks
    if not languages.is_primary(config):
        return
    for problem in translations.translation_problems(DOCS / "ko", DOCS / "en"):
        messages.log.warning(problem)
    _english["out_dir"] = languages.start_english(ROOT, keep=snippets.serving())


def on_files(files: Files, config) -> Files:
    for src, uri in assets.site_assets(DOCS / "assets"):
        files.append(File.generated(config, uri, abs_src_path=str(src)))
    return runner.on_files(files, config, ROOT, languages.is_primary(config))


def on_page_markdown(markdown, page, config, files):
    docs = Path(config.docs_dir).relative_to(ROOT).as_posix()
    messages.rendering(f"{docs}/{page.file.src_uri}")
    snippets.SnippetCache.start_page(markdown, languages.language(config))
    markdown = notebooks.start_page(markdown, page.file.src_uri, page.url,
                                    languages.language(config))
    markdown = downloads.add_to_home(markdown, page.file.src_uri, languages.language(config),
                                     config.site_url, notebooks.wheel_name(ROOT))
    return runner.on_page_markdown(markdown, page, config)  # Run buttons


def on_page_content(html, page, config, files):
    html, errors = math.typeset_page(html, math.current())
    for error in errors:
        messages.log.warning(error)  # names the page
    messages.rendering(None)
    snippets.SnippetCache.end_page()
    notebooks.end_page(page.file.src_uri, languages.language(config), config.site_url,
                       notebooks.wheel_name(ROOT))
    html = search.leave_out_of_index(html)  # printed numbers, MathML, API source
    return runner.on_page_content(html, page, config)


def on_post_page(output, page, config):
    output = math.link_stylesheet(output, page.url, math.current().fonts())
    output = assets.drop_unused_stylesheets(output)  # mkdocstrings' CSS: API pages only
    here = languages.LANGUAGES[languages.language(config)]
    output = links.relink_switcher(output, page.url, here, languages.LANGUAGES)
    output = a11y.focusable_tables(output, languages.language(config))
    output = a11y.focusable_equations(output)
    output = a11y.focusable_code(output)  # until Material sets the block up
    # last: hashes the page's final inline scripts
    return csp.add_policy(output, serving=snippets.serving())


def on_post_template(output, template_name, config):
    if not template_name.endswith(".html"):
        return output
    return csp.add_policy(output, serving=snippets.serving())


def on_post_build(config):
    math.finish(Path(config.site_dir))  # the build's math stylesheet
    notebooks.write(Path(config.site_dir))
    if languages.language(config) == "ko":  # after the search plugin wrote its index
        search.rewrite_index(Path(config.site_dir), DOCS / "ko" / "glossary.md")
    if not languages.is_primary(config) or "out_dir" not in _english:
        return
    result = languages.finish_english(_english.pop("out_dir"), Path(config.site_dir))
    for message in result["warnings"]:
        messages.log.warning("[en] %s", message)
    if not result["ok"]:
        raise PluginError(f"The English build failed: {result['error']}")


def on_shutdown():
    math.stop()
    languages.stop()
    snippets.stop_serving()
