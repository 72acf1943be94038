"""The small build modules: messages, assets, build date, languages."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bookbuild import assets, builddate, languages, messages  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_warnings_name_the_page_being_rendered(caplog):
    logger = logging.getLogger("mkdocs.test_messages")
    record = logging.LogRecord(logger.name, logging.WARNING, __file__, 1,
                               "snippet failed: %s", ("boom",), None)
    messages.PageNames.page = "docs/ko/rnn.md"
    try:
        messages.PageNames().filter(record)
    finally:
        messages.rendering(None)
    assert record.getMessage() == "docs/ko/rnn.md: snippet failed: boom"
    named = logging.LogRecord(logger.name, logging.WARNING, __file__, 1,
                              "docs/ko/rnn.md is broken", (), None)
    messages.PageNames.page = "docs/ko/rnn.md"
    messages.PageNames().filter(named)
    messages.rendering(None)
    assert named.getMessage() == "docs/ko/rnn.md is broken"  # not named twice


def test_shared_assets_keep_their_folders(tmp_path):
    (tmp_path / "fonts").mkdir()
    (tmp_path / "extra.css").write_text("a {}")
    (tmp_path / "fonts" / "x.woff2").write_bytes(b"\0")
    assert [uri for _, uri in assets.shared_assets(tmp_path)] == [
        "assets/extra.css", "assets/fonts/x.woff2"]


def test_only_api_pages_load_the_mkdocstrings_stylesheet():
    head = ('<head><link rel="stylesheet" href="../assets/_mkdocstrings.css">'
            '<link rel="stylesheet" href="../assets/extra.css"></head>')
    chapter = head + "<p>text</p>"
    api = head + '<div class="doc doc-object doc-class">...</div>'
    assert "_mkdocstrings.css" not in assets.drop_unused_stylesheets(chapter)
    assert "assets/extra.css" in assets.drop_unused_stylesheets(chapter)
    assert assets.drop_unused_stylesheets(api) == api


def test_build_date_is_the_last_commit(tmp_path):
    assert builddate.last_commit_time(tmp_path) == "0"  # not a git folder
    assert int(builddate.last_commit_time(ROOT)) > 1_700_000_000


def config(name: str, lang: str):
    return SimpleNamespace(config_file_path=f"/x/{name}", theme={"language": lang})


def test_the_korean_config_is_the_primary_build():
    assert languages.is_primary(config("mkdocs.yml", "ko"))
    assert not languages.is_primary(config("mkdocs.en.yml", "en"))
    assert languages.language(config("mkdocs.en.yml", "en")) == "en"


def test_a_failed_english_build_is_not_copied(tmp_path, monkeypatch):
    out = tmp_path / "out"
    (out / "index.html").parent.mkdir()
    (out / "index.html").write_text("half a site")
    failed = {"ok": False, "warnings": ["w"], "error": "boom"}
    monkeypatch.setattr(languages, "finish", lambda site_dir: failed)
    assert languages.finish_english(out, tmp_path / "site") is failed
    assert not (tmp_path / "site" / "en").exists() and not out.exists()


def test_a_finished_english_build_moves_to_en(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("English")
    monkeypatch.setattr(languages, "finish",
                        lambda site_dir: {"ok": True, "warnings": [], "error": ""})
    languages.finish_english(out, tmp_path / "site")
    assert (tmp_path / "site" / "en" / "index.html").read_text() == "English"
    assert not out.exists()
