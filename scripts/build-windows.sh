#!/usr/bin/env bash
# Builds selfeval.exe for x86_64-pc-windows-gnu on a Debian machine and
# packs dist/selfeval-windows-x86_64.zip (the exe, the Chinese quick guide,
# the browser page 自查.html (scripts/build-web.sh, built here when
# missing), the 2024 templates a clerk may edit).
#
# rustup here cannot add Windows targets, so this uses Debian's own Rust
# (rustc-web, with its std source) and builds std for the target with
# -Zbuild-std (RUSTC_BOOTSTRAP=1 allows it on a stable compiler). mingw
# links; windres embeds the version resource, icon and manifest (build.rs).
# It installs what it needs; a cold build (std and ~300 dependencies in
# release) takes about 10-12 minutes on 2 cores, a warm one under a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

need=()
[ -x /usr/bin/rustc ] && /usr/bin/rustc --version | grep -q "1\.\(9[0-9]\|[1-9][0-9][0-9]\)" || need+=(rustc-web cargo-web)
[ -d /usr/lib/rustlib/src/rust/library ] || need+=(rust-web-src)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

TARGET=x86_64-pc-windows-gnu
export PATH="/usr/bin:$PATH"
export RUSTC=/usr/bin/rustc
# The real path: when target/ is .ci/run's link to its cache, the same
# CARGO_HOME from every clone keeps the built dependencies valid.
mkdir -p "$ROOT/target"
export CARGO_HOME="$(realpath "$ROOT/target")/windows-cargo-home"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
/usr/bin/cargo build --release --locked --target "$TARGET" -Zbuild-std=std,panic_abort --bin selfeval

EXE="$ROOT/target/$TARGET/release/selfeval.exe"
x86_64-w64-mingw32-strip "$EXE"
ls -l "$EXE"

mkdir -p dist
[ -f dist/web/自查.html ] || (unset RUSTC CARGO_HOME RUSTC_BOOTSTRAP; PATH="$HOME/.cargo/bin:$PATH" scripts/build-web.sh)
python3 - "$EXE" <<'PY'
import sys, zipfile, pathlib
exe = pathlib.Path(sys.argv[1])
root = pathlib.Path(".")
out = root / "dist" / "selfeval-windows-x86_64.zip"
tmp = out.with_suffix(".zip.tmp")
with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
    z.write(exe, "selfeval/selfeval.exe")
    z.write(root / "windows" / "使用说明.txt", "selfeval/使用说明.txt")
    z.write(root / "dist" / "web" / "自查.html", "selfeval/自查.html")
    for f in sorted((root / "templates" / "old-communities" / "2024").iterdir()):
        z.write(f, f"selfeval/templates/old-communities/2024/{f.name}")
tmp.replace(out)
print(out, out.stat().st_size, "bytes")
PY
