#!/usr/bin/env python3
"""The browser page in Firefox too (issue: 自查.html opens from file:// in
current Chromium and Firefox), both modes: 地市自查 and 省级汇总. Headless Firefox ESR picks each input and
its findings (code, sheet, cell, severity; in the page's report.json and
in the table shown) must be those of `selfeval check --json`; the
downloads and the no-request check are tests/web/test_page.py's
(Chromium), on the same page.

    python3 tests/web/test_firefox.py
"""
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import page as P  # noqa: E402
import province as V  # noqa: E402


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="selfeval-firefox-"))
    files = P.inputs(work / "in")
    page = P.FirefoxPage(work)
    failures = []
    try:
        for name, path in files.items():
            cli = P.cli_check(path, work / "cli" / name)
            got = page.check(path)
            failures += P.agrees(name, cli, got, page.rows())
            if got["error"]:
                continue
            have = json.loads(got["report"])["findings"]
            print(f"{name:10} {got['view']['level']:8} {len(have):3} findings  {got['ms']:5} ms  {got['view']['verdict']}")
        # 省级汇总, the same three batches as in Chromium (issue 33).
        failures += V.run_all(work / "province", page.province)
    finally:
        page.close()
    for f in failures:
        print("FAIL:", f)
    print(f"firefox: {len(files)} files, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
