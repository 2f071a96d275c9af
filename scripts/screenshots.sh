#!/usr/bin/env bash
# Renders the example's English policy page with headless Chromium at desktop (1280 px) and
# phone (390 px) widths, to generated/tencent_im/docs/en.{desktop,phone}.png.
# The PNGs are for reviewers; they are not part of the freshness check (rendering varies).
#
# Usage: scripts/screenshots.sh [HTML] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
html="${1:-generated/tencent_im/docs/en.html}"
out="${2:-generated/tencent_im/docs}"
chromium="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
if [ -z "$chromium" ]; then
  echo "error: chromium not found (apt-get install chromium)" >&2
  exit 2
fi
mkdir -p "$out"
url="file://$(realpath "$html")"
shoot() { # name width height
  local profile
  profile="$(mktemp -d)"
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$profile" --screenshot="$out/$1.png" --window-size="$2,$3" "$url" >/dev/null 2>&1
  rm -rf "$profile"
  test -s "$out/$1.png"
  echo "wrote $out/$1.png"
}
shoot en.desktop 1280 2400
shoot en.phone 390 2400
