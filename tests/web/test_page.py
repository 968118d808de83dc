#!/usr/bin/env python3
"""The browser page, proven in a real browser (issue: 自查.html).

Builds nothing: run scripts/build-web.sh and `cargo build --features dev
--bins` first (.ci/run does). For each input file it picks the file in
headless Chromium as a clerk would, and compares the page's findings
(code, sheet, cell, severity: in report.json and in the table the clerk
reads) with `selfeval check --json` on the same file; it downloads the
校验报告 and the 标注副本 and compares them with what the CLI wrote; and it
asserts the page asked for nothing but itself.

    python3 tests/web/test_page.py [--screenshot docs/web-page.png]
"""
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import page as P  # noqa: E402
import province as V  # noqa: E402

def normalised(parts: dict, times: list) -> dict:
    """A workbook's parts with the run's time taken out (the only thing two
    runs a minute apart may differ in) and docProps/core.xml (its creation
    time) left out."""
    out = {}
    for n, data in parts.items():
        if n == "docProps/core.xml":
            continue
        for t in times:
            data = data.replace(t.encode(), b"TIME")
        out[n] = data
    return out


def report_time(report: dict) -> str:
    # generated_at "2026-12-03T22:18:00+08:00" → the reports' "2026-12-03 22:18:00".
    return report["generated_at"][:19].replace("T", " ")


def main() -> int:
    shot = None
    if "--screenshot" in sys.argv:
        shot = Path(sys.argv[sys.argv.index("--screenshot") + 1])
    work = Path(tempfile.mkdtemp(prefix="selfeval-web-"))
    files = P.inputs(work / "in")
    page = P.Page(work / "downloads")
    failures = []
    try:
        for name, path in files.items():
            cli_out = work / "cli" / name
            cli = P.cli_check(path, cli_out)
            got = page.check(path)
            failures += P.agrees(name, cli, got, page.rows())
            if got["error"]:
                continue
            view, report = got["view"], json.loads(got["report"])
            # The downloads: the same files, the same content, as the CLI's.
            cli_files = sorted(p.name for p in (cli_out / "反馈").glob("*")) if (cli_out / "反馈").exists() else []
            saved = page.download_all()
            if sorted(p.name for p in saved) != cli_files:
                failures.append(f"{name}: downloads {[p.name for p in saved]}, the CLI wrote {cli_files}")
            times = [report_time(cli), report_time(report)]
            for p in saved:
                theirs = cli_out / "反馈" / p.name
                if not theirs.exists():
                    continue
                a, b = normalised(P.parts(theirs), times), normalised(P.parts(p), times)
                if a != b:
                    diff = sorted(n for n in set(a) | set(b) if a.get(n) != b.get(n))
                    failures.append(f"{name}: {p.name} differs from the CLI's in {diff}")
            if name == "xlsm" and not any(p.name.endswith("_标注.xlsm") and "xl/vbaProject.bin" in P.parts(p) for p in saved):
                failures.append(f"xlsm: no annotated .xlsm with its macro among {[p.name for p in saved]}")
            print(f"{name:10} {view['level']:8} {len(report['findings']):3} findings  {got['ms']:5} ms  {view['verdict']}")
        # A panic in the core: a message, never a blank page; the next file
        # is checked by a fresh worker.
        page.d.execute_script("window.selfeval.selftestPanic(new File([new Uint8Array([80, 75])], 'x.xlsx'))")
        page.wait(lambda: page.d.execute_script("return !!(window.selfeval.last && window.selfeval.last.error)"), 30)
        said = page.d.find_element("id", "status").text
        if "程序内部错误" not in said or "自测" not in said:
            failures.append(f"a panic showed {said!r}")
        again = page.check(files["clean"])
        if again["error"] or again["view"]["level"] != "pass":
            failures.append(f"after a panic the next file gave {again['error'] or again['view']['verdict']}")
        # A check that never ends: stopped at the limit, said, and the next
        # file checked.
        page.d.execute_script("window.selfeval.limitMs = 1500; window.selfeval.selftestHang(new File([new Uint8Array([80, 75])], '卡住.xlsx'))")
        page.wait(lambda: page.d.execute_script("return !!(window.selfeval.last && window.selfeval.last.error)"), 30)
        said = page.d.find_element("id", "status").text
        if "卡住.xlsx" not in said or "已停止" not in said:
            failures.append(f"a hung check showed {said!r}")
        page.d.execute_script("window.selfeval.limitMs = 60000")
        again = page.check(files["errors"])
        if again["error"] or again["view"]["level"] != "error":
            failures.append(f"after a hung check the next file gave {again['error'] or again['view']['verdict']}")
        # Dropped, not picked: the same result.
        import base64
        data = base64.b64encode(files["errors"].read_bytes()).decode()
        before = int(page.d.execute_script("return document.body.dataset.checked"))
        page.d.execute_script("""
            const bin = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bin], arguments[1]));
            document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        """, data, files["errors"].name)
        page.wait(lambda: int(page.d.execute_script("return document.body.dataset.checked")) > before, 30)
        dropped = sorted(c for c, _ in page.rows())
        if dropped != ["SE202", "SE303"]:
            failures.append(f"a dropped file showed {dropped}")
        if shot:
            page.check(files["errors"])
            page.d.save_screenshot(str(shot))
        # Keyboard: the two modes, then the file picker, are reached with Tab.
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys
        page.d.execute_script("const h = document.querySelector('h1'); h.tabIndex = -1; h.focus();")
        reached = []
        for _ in range(3):
            ActionChains(page.d).send_keys(Keys.TAB).perform()
            reached.append(page.d.execute_script("return document.activeElement.id"))
        if reached != ["mode-city", "mode-province", "pick"]:
            failures.append(f"Tab reaches {reached}, not the two modes and the file picker")
        # A form picked with its 自评报告: the report's figures are checked
        # against the form, as `selfeval check 表 报告` does.
        desk = P.with_report(work / "in")
        cli = P.cli_check(desk, work / "cli" / "desk")
        got = page.check(desk)
        failures += P.agrees("with_report", cli, got, page.rows())
        if got["view"] and not any(f["code"] == "SE603" for f in got["view"]["findings"]):
            failures.append(f"a form with a disagreeing report showed {[f['code'] for f in got['view']['findings']]}")
        if got["view"] and got["view"]["sent"] != ["自评报告：2024年自评报告.docx"]:
            failures.append(f"the report checked with the form is listed as {got['view']['sent']}")
        # Two forms dropped at once: the first is checked, and the page says so.
        before = int(page.d.execute_script("return document.body.dataset.checked"))
        page.d.execute_script("""
            const dt = new DataTransfer();
            for (const n of ['a.xlsx', 'b.xlsx']) dt.items.add(new File([new Uint8Array([1])], n));
            document.getElementById('drop').dispatchEvent(new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
        """)
        page.wait(lambda: int(page.d.execute_script("return document.body.dataset.checked")) > before, 30)
        said = page.d.find_element("id", "status").text
        if "只检查了“a.xlsx”" not in said:
            failures.append(f"two dropped forms showed {said!r}")
        # 省级汇总: the whole run, compared with `selfeval run` (issue 33).
        # (Times are printed, not asserted: benches/web_page.py measures them.)
        failures += V.run_all(work / "province", page.province)
        # Another fund's template set, picked as a folder: `--templates`.
        green = work / "province" / "green" / "材料"
        import shutil
        shutil.copytree(P.ROOT / "samples/green-building/2024", green)
        tdir = P.ROOT / "templates/green-building/2024"
        page.d.find_element("id", "ptpl").send_keys(str(tdir))
        view, zipped, _ = page.province(green)
        cli_green = V.cli_run(green, green.parent / "cli-out", ["--templates", str(tdir)])
        if view is None:
            failures.append(f"green-building: the page said {zipped}")
        else:
            failures += [f"green-building: {f}" for f in V.compare(cli_green, zipped)]
            if not view["templates"].startswith("模板文件夹"):
                failures.append(f"green-building: the page used {view['templates']}")
        page.d.find_element("id", "pclear").click()
        # Loose files picked together: the same results as the folder.
        loose = V.materials(work / "province", "loose")
        picked = sorted(p for p in loose.iterdir() if p.is_file())
        before = int(page.d.execute_script("return document.body.dataset.summarised || 0"))
        page.d.find_element("id", "pfiles").send_keys("\n".join(str(p) for p in picked))
        page.wait(lambda: int(page.d.execute_script("return document.body.dataset.summarised || 0")) > before, 300)
        view = page.d.execute_script("return window.selfeval.last.view")
        if not view or len(view["cities"]) != 15 or any(c["in_totals"] != "是" for c in view["cities"]):
            failures.append(f"loose files picked together gave {view and view['counted']}")
        if shot:
            page.province(work / "province" / "clean" / "材料")
            page.d.set_window_size(1366, 1400)
            page.d.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
            page.d.save_screenshot(str(shot.with_name("web-province.png")))
            page.d.set_window_size(1366, 768)
        # 地市自查 with another fund's template folder, as `check --templates`.
        page.d.execute_script("document.getElementById('mode-city').click()")
        page.d.find_element("id", "ctpl").send_keys(str(tdir))
        got = page.check(P.ROOT / "samples/green-building/2024/02_珠海市_2024年绩效自评表.xlsx")
        codes = sorted(f["code"] for f in (got["view"] or {}).get("findings", []))
        if got["error"] or "SE304" not in codes or "SE002" in codes:
            failures.append(f"a city of the second fund with its template folder got {got['error'] or codes}")
        page_url = P.PAGE.as_uri()
        foreign = [u for u in page.requests() if u != page_url and not u.startswith(("blob:", "data:"))]
        if foreign:
            failures.append(f"the page made network requests: {foreign}")
        logs = [e for e in page.d.get_log("browser") if e["level"] == "SEVERE"]
        if logs:
            failures.append(f"console errors: {logs}")
        # A browser too old for the page gets a Chinese message, not a blank page.
        page.d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": "delete window.DecompressionStream;"})
        page.d.get(page_url)
        page.wait(lambda: page.d.find_element("id", "status").text != "", 30)
        said = page.d.find_element("id", "status").text
        if "版本过旧" not in said or "DecompressionStream" not in said:
            failures.append(f"an old browser showed {said!r}")
    finally:
        page.close()
    for f in failures:
        print("FAIL:", f)
    print(f"page: {len(files)} files, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
