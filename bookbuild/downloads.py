"""The home page's downloads: the book as a PDF, the chapter notebooks, the wheel.

Appended to each language's home page (index.md) when the site is built, so
the addresses follow the build: the PDF (made by `make pdf`, bookbuild/pdf.py)
next to the home page, and the rnnbook wheel that bookbuild.runner builds from
the checkout and serves at the site root, with the one pip command that
installs it from the hosted site (site_url). Links are plain HTML: the PDF
exists only after `make pdf`, so MkDocs should not check it as a page link.
"""

from __future__ import annotations

from bookbuild import notebooks
from bookbuild.languages import LANGUAGES
from bookbuild.pdf import TEXT as PDF_TEXT
from bookbuild.runner import SITE_FOLDER

SECTION = {
    "ko": """
## 내려받기 {{#downloads}}

- <a href="{pdf}" download>이 책 전체를 PDF 한 파일로 받는다</a>. 차례와 페이지 번호가 있고,
  수식과 그림도 웹 페이지와 같다.
- 각 장의 제목 아래에 그 장의 Jupyter 노트북을 받는 링크가 있다. 노트북에는 본문과 코드,
  그리고 이 사이트를 만들 때 실행한 출력이 들어 있다.
- 이 책의 패키지 rnnbook은 이 사이트가 휠 파일 <a href="{wheel_href}">{wheel}</a>로 제공한다.
  다음 명령 하나로 설치한다.

```bash
{pip}
```
""",
    "en": """
## Downloads {{#downloads}}

- <a href="{pdf}" download>The whole book as one PDF file</a>, with a table of contents and
  page numbers, and the same equations and figures as the web pages.
- Under each chapter's title, a link downloads that chapter as a Jupyter notebook: the text,
  the code, and the outputs printed when this site was built.
- The book's package, rnnbook, is served by this site as the wheel
  <a href="{wheel_href}">{wheel}</a>. One command installs it:

```bash
{pip}
```
""",
}


def home_section(language: str, site_url: str, wheel: str) -> str:
    """The Markdown section appended to the home page of `language`."""
    if language not in SECTION:
        raise ValueError(f"language: expected one of {sorted(SECTION)}, received {language!r}")
    up = "../" * LANGUAGES[language].count("/")  # from the language's home to the site root
    return SECTION[language].format(
        pdf=PDF_TEXT[language]["file"], wheel=wheel, wheel_href=up + SITE_FOLDER + wheel,
        pip="pip install " + notebooks.wheel_url(site_url, language, wheel))


def add_to_home(markdown: str, src_uri: str, language: str, site_url: str, wheel: str) -> str:
    """The page's Markdown, with the downloads section if it is the home page."""
    if src_uri != "index.md":
        return markdown
    return markdown.rstrip("\n") + "\n" + home_section(language, site_url, wheel)
