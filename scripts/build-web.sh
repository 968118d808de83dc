#!/usr/bin/env bash
# Builds the browser page: dist/web/自查.html, one file a clerk
# double-clicks (file://, no server, no network). The checks are this
# crate's own code compiled to WebAssembly (web/, package selfeval-web);
# the page inlines wasm-bindgen's glue, the wasm (gzip + base64: a file://
# page cannot fetch a second file) and web/page/page.js.
#
# Needs: the wasm32-unknown-unknown target (rustup target add), and
# wasm-bindgen-cli of the version Cargo.lock pins for wasm-bindgen (both
# installed here when missing), python3.
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want"
  cargo install -q wasm-bindgen-cli --version "$want"
fi

cargo build -q -p selfeval-web --target wasm32-unknown-unknown --profile web
pkg=target/web/pkg
rm -rf "$pkg" && mkdir -p "$pkg"
wasm-bindgen --target no-modules --no-typescript --out-dir "$pkg" \
  target/wasm32-unknown-unknown/web/selfeval_web.wasm

mkdir -p dist/web
python3 - "$pkg" <<'PY'
import base64, gzip, os, sys
pkg = sys.argv[1]
page = open("web/page/page.html", encoding="utf-8").read()
glue = open(os.path.join(pkg, "selfeval_web.js"), encoding="utf-8").read()
wasm = open(os.path.join(pkg, "selfeval_web_bg.wasm"), "rb").read()
js = open("web/page/page.js", encoding="utf-8").read()
# mtime=0: the same wasm gives the same page, byte for byte.
b64 = base64.b64encode(gzip.compress(wasm, 9, mtime=0)).decode()
for name, text in (("glue", glue), ("page", js)):
    assert "</script" not in text.lower(), f"{name} would end its <script> early"
out = page.replace("/*GLUE*/", glue).replace("/*WASM_GZ_BASE64*/", b64).replace("/*PAGE*/", js)
dest = "dist/web/自查.html"
tmp = dest + ".tmp"
with open(tmp, "w", encoding="utf-8") as f:
    f.write(out)
os.replace(tmp, dest)
print(f"{dest}: {len(out.encode()) / 1e6:.2f} MB (wasm {len(wasm) / 1e6:.2f} MB, gzip'd {len(b64) * 3 / 4 / 1e6:.2f} MB)")
PY
