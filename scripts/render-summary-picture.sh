#!/usr/bin/env bash
# Renders the first sheet of the summary the samples produce to
# docs/summary-first-sheet.png (LibreOffice → PDF → pdftoppm → cropped).
# Needs: libreoffice-calc-nogui fonts-noto-cjk poppler-utils, python3-pil.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
cargo run -q --release -- run samples/2024 --out "$tmp/out" -q || true
cp "$tmp/out/省级汇总表.xlsx" "$tmp/s.xlsx"
(cd "$tmp" && soffice --headless --convert-to pdf s.xlsx >/dev/null 2>&1)
pdftoppm -r 110 -f 1 -l 1 -png "$tmp/s.pdf" "$tmp/p"
python3 - "$tmp" <<'PY'
import sys, glob
from PIL import Image, ImageOps
im = Image.open(glob.glob(sys.argv[1] + "/p-*.png")[0]).convert("RGB")
box = ImageOps.invert(im).getbbox()
pad = 16
im.crop((max(0, box[0] - pad), max(0, box[1] - pad), min(im.width, box[2] + pad), min(im.height, box[3] + pad))).save("docs/summary-first-sheet.png")
PY
rm -rf "$tmp"
echo "docs/summary-first-sheet.png"
