#!/usr/bin/env bash
# Runs every fuzz target (fuzz/) for SECONDS each (default 200), one after
# another, under the limits issue 39 sets for one file: 512 MB of memory
# for the fuzzing process (-rss_limit_mb; one file's own budget is 300 MB,
# checked below) and 5 s per input (-timeout). Then replays each file of
# tests/fixtures/outside through the `sniff` target under 300 MB and 5 s.
#
#   cargo install cargo-fuzz          # once
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Works on the stable toolchain (RUSTC_BOOTSTRAP lets cargo-fuzz pass its
# nightly flags; -s none: no sanitizer, the crate has no unsafe code of its
# own). New corpus entries go to fuzz/corpus/ (not committed); crashes,
# timeouts and out-of-memory inputs to fuzz/artifacts/TARGET/. Each one
# found becomes a regression file under tests/fixtures/fuzz/TARGET/, which
# `cargo test` replays (tests/fuzz_regressions.rs). A summary line per
# target (executions, coverage, features, corpus) goes to fuzz/summary.txt.
set -uo pipefail
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
secs="${1:-200}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(sniff xlsx xls xlsb ods register templates params previous report)

cargo fuzz build -s none -O || exit 1
bin=target/x86_64-unknown-linux-gnu/release
: > summary.txt
failed=0
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="artifacts/$t/fuzz.log"
  began=$SECONDS
  "$bin/$t" "corpus/$t" "seeds/$t" -rss_limit_mb=512 -timeout=5 -max_total_time="$secs" \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  execs=$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  echo "$t: exit $rc, ${execs:-?} executions in $((SECONDS - began)) s; last: ${last}" | tee -a summary.txt
  [ "$rc" -eq 0 ] || failed=1
done

# One file's bound: each outside file alone under 300 MB and 5 s.
for f in ../tests/fixtures/outside/*; do
  case "$f" in *.md) continue ;; esac
  if ! "$bin/sniff" -rss_limit_mb=300 -timeout=5 "$f" >/dev/null 2>&1; then
    echo "outside file over 300 MB or 5 s, or crashed: $f" | tee -a summary.txt
    failed=1
  fi
done
echo "outside files: each under 300 MB and 5 s" >>summary.txt
exit $failed
