"""Korean search that forgives spacing (bookbuild/search.py), without MkDocs.

The browser tests type such queries into the real search box of the built
site (tests/site/test_browser.py, QUERIES); these check the index rewrite.
"""

from __future__ import annotations

import json

from conftest import ROOT

from bookbuild import search

GLOSSARY = (ROOT / "docs" / "ko" / "glossary.md").read_text(encoding="utf-8")


def test_glossary_terms_are_the_spaced_korean_terms_of_the_table():
    terms = search.glossary_terms(GLOSSARY)
    for term in ["망각 게이트", "은닉 상태", "셀 상태", "기울기 소실"]:
        assert term in terms
    assert "게이트" not in terms          # one word: nothing to forgive
    assert "한국어" not in terms           # the header row
    assert all(" " in t for t in terms)


def test_spaced_text_gets_the_joined_form_with_its_particle():
    text = "망각 게이트는 값을 지운다. 셀 상태를 지나는 망각\n게이트"
    assert search.variants(text, ["망각 게이트", "셀 상태"]) == \
        ["망각게이트는", "망각게이트", "셀상태를"]


def test_joined_text_gets_the_spaced_words_but_not_inside_a_longer_word():
    assert search.variants("은닉상태와 후보은닉상태", ["은닉 상태"]) == ["은닉", "상태"]
    assert search.variants("English only", ["은닉 상태"]) == []


def test_english_names_come_from_the_glossary_table():
    names = search.english_names(GLOSSARY)
    assert names["망각 게이트"] == "forget gate"
    assert names["가중치 공유"] == "weight sharing parameter sharing"  # no parentheses
    assert "한국어" not in names and len(names) >= 100


def test_each_use_of_a_korean_term_gets_its_english_name():
    names = {"망각 게이트": "forget gate", "셀 상태": "cell state"}
    text = "망각 게이트는 셀 상태를 지운다. 망각게이트"
    assert search.english_aliases(text, names) == ["forget gate"] * 2 + ["cell state"]
    assert search.english_aliases("forget gate", names) == []


def test_index_gets_a_searched_field_only_where_terms_occur():
    index = {"config": {"fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}},
             "docs": [{"location": "lstm/#forget-gate", "title": "망각 게이트",
                       "text": "<p>망각 게이트는 <code>f</code>를 만든다.</p>"},
                      {"location": "rnn/", "title": "RNN", "text": "<p>no term</p>"}]}
    search.add_spacing_variants(index, ["망각 게이트"])
    assert index["config"]["fields"]["variants"] == {"boost": 1.0}
    assert index["docs"][0]["variants"] == "망각게이트 망각게이트는"
    assert "variants" not in index["docs"][1]


def test_rewrite_index_keeps_the_rest_of_the_file(tmp_path):
    (tmp_path / "search").mkdir()
    original = {"config": {"lang": ["ko"], "fields": {"text": {"boost": 1.0}}},
                "docs": [{"location": "", "title": "은닉 상태", "text": "x"}]}
    (tmp_path / "search" / "search_index.json").write_text(json.dumps(original))
    glossary = tmp_path / "glossary.md"
    glossary.write_text("## 용어 {#terms}\n\n| 한국어 | English |\n|---|---|\n"
                        "| 은닉 상태 | hidden state |\n", encoding="utf-8")
    assert search.rewrite_index(tmp_path, glossary) == 1
    written = json.loads((tmp_path / "search" / "search_index.json").read_text())
    assert written["config"]["lang"] == ["ko"]
    assert written["docs"] == [{"location": "", "title": "은닉 상태", "text": "x",
                                "variants": "은닉상태 hidden state"}]


def test_a_site_without_glossary_keeps_its_index(tmp_path):
    (tmp_path / "search").mkdir()
    docs = [{"location": "", "title": "은닉 상태", "text": "x"}]
    (tmp_path / "search" / "search_index.json").write_text(
        json.dumps({"config": {"fields": {}}, "docs": docs}))
    assert search.rewrite_index(tmp_path, tmp_path / "no-glossary.md") == 0
    written = json.loads((tmp_path / "search" / "search_index.json").read_text())
    assert written["docs"] == docs
