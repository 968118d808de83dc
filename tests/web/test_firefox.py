#!/usr/bin/env python3
"""The browser page in Firefox too (issue: 自查.html opens from file:// in
current Chromium and Firefox). Headless Firefox ESR picks each input and
its findings (code, sheet, cell, severity) must be those of
`selfeval check --json`; the downloads and the no-request check are
tests/web/test_page.py's (Chromium), on the same page.

    python3 tests/web/test_firefox.py
"""
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import page as P  # noqa: E402


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="selfeval-firefox-"))
    files = P.inputs(work / "in")
    page = P.FirefoxPage(work)
    failures = []
    try:
        for name, path in files.items():
            cli = P.cli_check(path, work / "cli" / name)
            got = page.check(path)
            if got["error"]:
                failures.append(f"{name}: the page said {got['error']}")
                continue
            report = json.loads(got["report"])
            want = sorted(P.key(f) for f in cli["findings"])
            have = sorted(P.key(f) for f in report["findings"])
            if want != have:
                failures.append(f"{name}: findings differ\n  cli:  {want}\n  page: {have}")
            shown = sorted((f["code"], f["place"]) for f in got["view"]["findings"])
            if shown != sorted((k[0], f"{k[1]}!{k[2]}" if k[2] else k[1]) for k in want):
                failures.append(f"{name}: the page shows {shown}")
            print(f"{name:10} {got['view']['level']:8} {len(have):3} findings  {got['ms']:5} ms  {got['view']['verdict']}")
    finally:
        page.close()
    for f in failures:
        print("FAIL:", f)
    print(f"firefox: {len(files)} files, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
