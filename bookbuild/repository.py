"""Repository links point at the repository the site is built from.

mkdocs.yml names a default repository. GitHub Actions tells every workflow
step which repository it runs for (GITHUB_REPOSITORY, GITHUB_SERVER_URL) and
on which branch (GITHUB_REF_NAME); when they are set, as in the Pages
workflow, the header's repository link and each page's "view source" link
point there instead. scripts/hooks.py calls `apply` from `on_config`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping


def settings(language: str, environ: Mapping[str, str] = os.environ) -> dict[str, str] | None:
    """repo_url, repo_name and edit_uri from the environment, or None outside Actions.

    language: the pages' folder under docs/ ("ko" or "en").
    """
    repository = environ.get("GITHUB_REPOSITORY", "").strip()
    if not repository:
        return None
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        raise ValueError("GITHUB_REPOSITORY: expected owner/name, "
                         f"received {repository!r}")
    server = environ.get("GITHUB_SERVER_URL", "").strip() or "https://github.com"
    branch = environ.get("GITHUB_REF_NAME", "").strip() or "main"
    return {"repo_url": f"{server.rstrip('/')}/{repository}",
            "repo_name": repository,
            "edit_uri": f"blob/{branch}/docs/{language}/"}


def apply(config, language: str, environ: Mapping[str, str] = os.environ):
    """Set the config's repository links from the environment (when it names one)."""
    found = settings(language, environ)
    if found:
        for key, value in found.items():
            config[key] = value
    return config
