#!/usr/bin/env bash
# Installs the Debian packages the build and the browser tests need, when they
# are missing. `system-deps.sh build` installs only what the build needs:
# nodejs (the build typesets the equations with MathJax in node; any node 18 or
# later will do) and npm (the setup fetches pinned npm packages). Without an
# argument it adds what the tests and `make pdf` need: chromium (driven by Playwright, never
# downloaded by it), fonts-noto-cjk (so Hangul renders in screenshots and the
# PDF) and poppler-utils (pdftotext, pdffonts: the PDF's page numbers and checks).
# Needs root or sudo.
set -euo pipefail
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${1:-}" != "build" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
  command -v pdffonts >/dev/null 2>&1 || missing+=(poppler-utils)  # make pdf, its tests
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" fontconfig
