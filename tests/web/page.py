"""Shared by the browser page's test (tests/web/test_page.py) and its
benchmark (benches/web_page.py): the inputs, the real CLI, and the built
page in headless Chromium (Debian's chromium + chromedriver, driven by
Python selenium).
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "dist/web/自查.html"
BIN = ROOT / "target/debug/selfeval"
GEN = ROOT / "target/debug/selfeval-gen"
SAMPLE = ROOT / "samples/2024/01_汕头市_2024年绩效自评表.xlsx"


def inputs(work: Path) -> dict:
    """The files the page is judged on, by what each stands for."""
    work.mkdir(parents=True, exist_ok=True)
    files = {}

    def put(key, name, data):
        p = work / key / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        files[key] = p

    put("clean", SAMPLE.name, SAMPLE.read_bytes())
    put("errors", "13_潮州市_有错.xlsx", with_errors((ROOT / "samples/2024/13_潮州市_2024年绩效自评表.xlsx").read_bytes()))
    # Saved by LibreOffice (soffice --convert-to; tests/fixtures/README.md).
    put("ods", "01_汕头市.ods", (ROOT / "tests/fixtures/formats/01_汕头市.ods").read_bytes())
    put("xls", "01_汕头市.xls", (ROOT / "tests/fixtures/formats/01_汕头市.xls").read_bytes())
    data = SAMPLE.read_bytes()
    put("truncated", "01_汕头市_下载中断.xlsx", data[: len(data) // 2])
    put("encrypted", "加密_汕头市.xlsx", (ROOT / "tests/fixtures/hostile/加密_汕头市.xlsx").read_bytes())
    big = work / "big" / "01_汕头市_大表.xlsx"
    big.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(GEN), "--big", str(big)], check=True, capture_output=True)
    files["big"] = big
    # A macro workbook with an error: its annotated copy stays .xlsm.
    put("xlsm", "12_清远市_宏.xlsm", with_macro(with_errors((ROOT / "samples/2024/12_清远市_2024年绩效自评表.xlsx").read_bytes())))
    # Another project's odd file (Apache POI's test suite; tests/fixtures/outside/README.md).
    put("outside", "59746_NoRowNums.xlsx", (ROOT / "tests/fixtures/outside/59746_NoRowNums.xlsx").read_bytes())
    put("foreign", "说明.docx", b"PK\x03\x04 not a workbook")
    return files


def rezip(data: bytes, edit, extra=()) -> bytes:
    """`data` (a zip package) with each member passed through `edit(name,
    bytes)` and the (name, bytes) of `extra` added."""
    import io
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info, edit(info.filename, src.read(info.filename)))
        for name, more in extra:
            z.writestr(name, more)
    return out.getvalue()


def with_errors(xlsx: bytes) -> bytes:
    """A form with errors a clerk makes: a budget figure typed as text (the
    支出率 computed from it is then not blamed too) and a 完成率 that
    disagrees with its figures."""
    import re
    changed = 0

    def edit(name, data):
        nonlocal changed
        if name == "xl/worksheets/sheet2.xml":
            # The first numeric cell of column B (the budget) becomes text,
            # and 支出率 (B7) is made wrong.
            text = data.decode()
            text, n1 = re.subn(r'(<c r="B7"[^>]*>(?:<f>.*?</f>)?)<v>[^<]*</v>', r'\1<v>0.9999</v>', text, count=1)
            text, n2 = re.subn(r'<c r="B4"( s="\d+")?><v>([^<]*)</v></c>', r'<c r="B4"\1 t="inlineStr"><is><t>约\2万</t></is></c>', text, count=1)
            changed += n1 + n2
            return text.encode()
        if name == "xl/worksheets/sheet3.xml":
            # A 完成率 that disagrees with its 计划 and 实际.
            text, n = re.subn(r'(<c r="[A-Z]+\d+"[^>]*><f>[^<]*</f>)<v>[^<]*</v>', r'\g<1><v>0.5</v>', data.decode(), count=1)
            changed += n
            return text.encode()
        return data

    out = rezip(xlsx, edit)
    assert changed == 3, "the sample no longer has B4 and B7 as numbers and a formula on 任务完成"
    return out


def report_saying(docx: bytes, old: str, new: str) -> bytes:
    """The sample's 自评报告 with `old` in its text made `new`."""
    def edit(name, data):
        if name != "word/document.xml":
            return data
        assert old.encode() in data, f"{old} is not in the sample's report"
        return data.replace(old.encode(), new.encode(), 1)
    return rezip(docx, edit)


def with_report(work: Path) -> list:
    """A clerk's desk: the sample form and its 自评报告, named without the
    city, whose 支出率 now differs from the form's."""
    desk = work / "desk"
    desk.mkdir(parents=True, exist_ok=True)
    form, report = desk / "绩效自评表.xlsx", desk / "2024年自评报告.docx"
    form.write_bytes(SAMPLE.read_bytes())
    docx = (ROOT / "samples/2024/01_汕头市_2024年绩效自评报告.docx").read_bytes()
    report.write_bytes(report_saying(docx, "支出率为4.53%", "支出率为6.53%"))
    return [form, report]


def with_macro(xlsx: bytes) -> bytes:
    """`xlsx` made a real .xlsm: a VBA project (tests/fixtures/vbaProject.bin,
    from rust_xlsxwriter's examples) and the macro-enabled content type, as
    tests/annotate.rs makes one."""
    def edit(name, data):
        if name == "[Content_Types].xml":
            return data.decode().replace(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            ).replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>').encode()
        if name == "xl/_rels/workbook.xml.rels":
            return data.decode().replace("</Relationships>", '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>').encode()
        return data
    return rezip(xlsx, edit, [("xl/vbaProject.bin", (ROOT / "tests/fixtures/vbaProject.bin").read_bytes())])


def cli_check(path, out: Path) -> dict:
    """`selfeval check FILE… --json` on the file (or a city's files): report.json."""
    if out.exists():
        shutil.rmtree(out)
    paths = [str(p) for p in (path if isinstance(path, list) else [path])]
    r = subprocess.run([str(BIN), "check", *paths, "--json", "--out", str(out)], capture_output=True)
    assert r.returncode in (0, 1), f"selfeval check {paths}: rc {r.returncode}: {r.stderr.decode()}"
    return json.loads(r.stdout)


def key(f: dict) -> tuple:
    """What a finding is, whatever program printed it."""
    return (f["code"], f.get("sheet") or "", f.get("cell") or "", f["severity"])


# What each input must come to, beyond agreeing with the CLI: the page's
# level, and a code (prefix) among its findings.
EXPECT = {
    "clean": ("pass", None),
    "errors": ("error", "SE"),
    "ods": ("pass", None),
    "xls": ("pass", None),
    "truncated": ("error", "SE001"),
    "encrypted": ("error", "SE001"),
    "big": ("error", "SE302"),
    "xlsm": ("error", "SE202"),
    "outside": ("error", None),
    "foreign": ("skipped", "SE005"),
    "with_report": ("warn", "SE603"),
}


def agrees(name: str, cli: dict, got: dict, rows: list) -> list:
    """Where the page's check of input `name` (`got`, as `check` returns it;
    `rows`: (code, place) of each finding shown) disagrees with the CLI's
    report.json `cli` or with EXPECT: one line per disagreement."""
    if got["error"]:
        return [f"{name}: the page said {got['error']}"]
    out = []
    view, report = got["view"], json.loads(got["report"])
    want = sorted(key(f) for f in cli["findings"])
    have = sorted(key(f) for f in report["findings"])
    if want != have:
        out.append(f"{name}: findings differ\n  cli:  {want}\n  page: {have}")
    # What the clerk reads: the table, one row per finding.
    shown = sorted((c, p) for c, p in rows)
    expect_rows = sorted((k[0], f"{k[1]}!{k[2]}" if k[2] else k[1]) for k in want)
    if shown != expect_rows:
        out.append(f"{name}: the page shows {shown}, the CLI found {expect_rows}")
    if [i["city"] for i in cli["inputs"]] != [i["city"] for i in report["inputs"]]:
        out.append(f"{name}: city differs")
    want_level, want_code = EXPECT[name]
    if view["level"] != want_level:
        out.append(f"{name}: level {view['level']} ({view['verdict']}), want {want_level}")
    if want_code and not any(k[0].startswith(want_code) for k in have):
        out.append(f"{name}: no {want_code} among {have}")
    return out


# The findings table as shown: (code, place) of each row.
ROWS_JS = "return [...document.querySelectorAll('#findings tbody tr')].map(r => [r.dataset.code, r.dataset.place]);"


class Page:
    """The built page in headless Chromium, opened from file://."""

    def __init__(self, downloads: Path):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.downloads = downloads
        downloads.mkdir(parents=True, exist_ok=True)
        o = webdriver.ChromeOptions()
        o.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,768", "--lang=zh-CN"):
            o.add_argument(a)
        o.add_experimental_option("prefs", {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
        })
        o.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        self.d = webdriver.Chrome(service=Service(executable_path=driver), options=o)
        self.d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        t0 = time.perf_counter()
        self.d.get(PAGE.as_uri())
        self.wait(lambda: self.d.execute_script("return document.body.dataset.ready === '1' || document.getElementById('status').className === 'bad'"), 60)
        self.load_s = time.perf_counter() - t0
        status = self.d.find_element("id", "status")
        assert status.get_attribute("class") != "bad", f"the page did not load: {status.text}"

    def wait(self, cond, seconds):
        end = time.time() + seconds
        while time.time() < end:
            if cond():
                return
            time.sleep(0.02)
        raise AssertionError("timed out waiting for the page")

    def check(self, path) -> dict:
        """Picks `path` (or a city's files together) as a clerk would; the
        page's result (view, report, ms)."""
        before = int(self.d.execute_script("return document.body.dataset.checked || 0"))
        paths = path if isinstance(path, list) else [path]
        self.d.find_element("id", "pick").send_keys("\n".join(str(p) for p in paths))
        self.wait(lambda: int(self.d.execute_script("return document.body.dataset.checked || 0")) > before, 120)
        return self.d.execute_script("const l = window.selfeval.last; return {ms: l.ms, error: l.error || null, view: l.view || null, report: l.report || null};")

    def rows(self) -> list:
        """The findings table as shown: (code, place) of each row."""
        return self.d.execute_script(ROWS_JS)

    def province(self, folder: Path):
        """省级汇总 on `folder`, picked as a clerk picks it, and the zip the
        page offers, downloaded: (view, zip bytes, ms), or (None, the
        page's message, ms)."""
        self.d.execute_script("document.getElementById('mode-province').click()")
        before = int(self.d.execute_script("return document.body.dataset.summarised || 0"))
        self.d.find_element("id", "pfolder").send_keys(str(folder))
        self.wait(lambda: int(self.d.execute_script("return document.body.dataset.summarised || 0")) > before, 600)
        last = self.d.execute_script("const l = window.selfeval.last; return {ms: l.ms, error: l.error || null, view: l.view || null};")
        if last["error"]:
            return None, last["error"], last["ms"]
        a = self.d.find_element("id", "zipdl")
        name = a.get_attribute("download")
        target = self.downloads / name
        if target.exists():
            target.unlink()
        a.click()
        self.wait(lambda: target.exists() and not (self.downloads / (name + ".crdownload")).exists(), 60)
        time.sleep(0.2)
        return last["view"], target.read_bytes(), last["ms"]

    def download_all(self) -> list:
        """Clicks each download button; the files saved."""
        links = self.d.find_elements("css selector", "#downloads a")
        got = []
        for a in links:
            name = a.get_attribute("download")
            target = self.downloads / name
            if target.exists():
                target.unlink()
            a.click()
            self.wait(lambda: target.exists() and not (self.downloads / (name + ".crdownload")).exists(), 30)
            got.append(target)
        return got

    def requests(self) -> list:
        """Every URL the page asked for (Chrome's performance log)."""
        urls = []
        for entry in self.d.get_log("performance"):
            m = json.loads(entry["message"])["message"]
            if m.get("method") == "Network.requestWillBeSent":
                urls.append(m["params"]["request"]["url"])
        return urls

    def close(self):
        self.d.quit()


def parts(xlsx: Path) -> dict:
    with zipfile.ZipFile(xlsx) as z:
        return {n: z.read(n) for n in z.namelist()}


class FirefoxPage:
    """The built page in headless Firefox (Debian's firefox-esr), driven
    over Marionette by Mozilla's own marionette_driver (PyPI): no
    geckodriver, which no registry here offers."""

    def __init__(self, work: Path):
        from marionette_driver.marionette import Marionette

        profile = work / "firefox-profile"
        profile.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            ["firefox-esr", "--headless", "--marionette", "--no-remote", "--profile", str(profile), "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.m = Marionette(host="127.0.0.1", port=2828, startup_timeout=60)
        self.m.start_session()
        self.m.navigate(PAGE.as_uri())
        self.wait(lambda: self.js("return document.body.dataset.ready === '1' || document.getElementById('status').className === 'bad'"), 60)
        status = self.js("return document.getElementById('status').textContent")
        assert self.js("return document.body.dataset.ready") == "1", f"the page did not load in Firefox: {status}"

    def js(self, script, args=None):
        return self.m.execute_script(script, script_args=args or [])

    def wait(self, cond, seconds):
        end = time.time() + seconds
        while time.time() < end:
            if cond():
                return
            time.sleep(0.05)
        raise AssertionError("timed out waiting for the page in Firefox")

    def check(self, path: Path) -> dict:
        before = int(self.js("return document.body.dataset.checked || 0"))
        self.m.find_element("id", "pick").send_keys(str(path))
        self.wait(lambda: int(self.js("return document.body.dataset.checked || 0")) > before, 120)
        # Marionette's scripts see the page through X-ray wrappers.
        return self.js("const l = window.wrappedJSObject.selfeval.last; return {ms: l.ms, error: l.error || null, view: l.view ? JSON.parse(JSON.stringify(l.view)) : null, report: l.report || null};")

    def rows(self) -> list:
        return self.js(ROWS_JS)

    def province(self, folder: Path):
        """省级汇总 on `folder` in Firefox: (view, zip bytes read from the
        page, ms), or (None, the page's message, ms)."""
        import base64
        self.js("document.getElementById('mode-province').click()")
        before = int(self.js("return document.body.dataset.summarised || 0"))
        # Marionette uploads files, not folders: the folder's files are
        # handed over as a dropped folder's are, each with its path.
        files = [[f"{folder.name}/{p.relative_to(folder).as_posix()}", base64.b64encode(p.read_bytes()).decode()]
                 for p in sorted(folder.rglob("*")) if p.is_file()]
        # Run in the page's own scope (no sandbox), as the drop handler does.
        self.m.execute_script("""
            const files = arguments[0].map(([path, b64]) => {
                const f = new File([Uint8Array.from(atob(b64), c => c.charCodeAt(0))], path.split('/').pop());
                f.selfevalPath = path;
                return f;
            });
            window.selfeval.provinceFiles(files);
        """, script_args=[files], sandbox=None)
        self.wait(lambda: int(self.js("return document.body.dataset.summarised || 0")) > before, 600)
        last = self.js("const l = window.wrappedJSObject.selfeval.last; return {ms: l.ms, error: l.error || null, view: l.view ? JSON.parse(JSON.stringify(l.view)) : null};")
        if last["error"]:
            return None, last["error"], last["ms"]
        b64 = self.m.execute_script(
            "const z = new Uint8Array(window.selfeval.last.zip); let s = ''; "
            "for (let i = 0; i < z.length; i += 32768) s += String.fromCharCode.apply(null, z.subarray(i, i + 32768)); "
            "return btoa(s);", sandbox=None)
        return last["view"], base64.b64decode(b64), last["ms"]

    def close(self):
        try:
            self.m.delete_session()
        finally:
            self.proc.kill()
