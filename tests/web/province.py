"""省级汇总 in the page against `selfeval run` (issue 33), shared by the
Chromium and Firefox tests and the benchmark: the batches, the CLI's runs,
and the comparison of the page's zip with the CLI's results folder.

The comparison is strict: the same file names; report.json equal but for
run-time fields (times, paths); every other file's zip parts equal byte
for byte once the run's time is taken out (so every cell value, formula,
merge, note and print setting of the summary, the register and each
feedback workbook, and the draft's text); docProps/core.xml (creation
time) aside, and styles.xml compared by what each style shows (umya
numbers custom number formats in hash order: two CLI runs differ there).
"""
import base64
import glob
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import page as P

SAMPLES = P.ROOT / "samples/2024"


def materials(work: Path, name: str) -> Path:
    """A fresh copy of the 15 samples as `work/name/材料`."""
    d = work / name / "材料"
    if d.parent.exists():
        shutil.rmtree(d.parent)
    shutil.copytree(SAMPLES, d)
    return d


def faulty(work: Path) -> Path:
    """汕头 missing, 茂名's 实际支出 typed in 元, a broken workbook, Excel's
    lock file beside a form: the batch a clerk gets on a bad day."""
    import openpyxl
    d = materials(work, "faulty")
    next(d.glob("01_汕头市*.xlsx")).unlink()
    mm = next(d.glob("10_茂名市*.xlsx"))
    wb = openpyxl.load_workbook(mm)
    wb["资金执行"]["B6"] = 1606700
    wb.save(mm)
    (d / "16_坏文件.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (d / "~$02_韶关市_2024年绩效自评表.xlsx").write_bytes(b"lock")
    return d


def cli_run(folder: Path, out: Path = None, extra: list = ()) -> Path:
    """`selfeval run FOLDER` (auto-named results folder beside it unless
    `out`); the results folder."""
    before = set(glob.glob(str(folder.parent / f"{folder.name}_校验结果_*")))
    args = [str(P.BIN), "run", str(folder), "--quiet", *extra] + (["--out", str(out)] if out else [])
    r = subprocess.run(args, capture_output=True)
    assert r.returncode in (0, 1), f"selfeval run: rc {r.returncode}: {r.stderr.decode()}"
    if out:
        return out
    made = set(glob.glob(str(folder.parent / f"{folder.name}_校验结果_*"))) - before
    assert len(made) == 1, made
    return Path(made.pop())


def fill_register(register: Path):
    """The clerk's answer in the register, saved in place (openpyxl, as any
    spreadsheet program saves): 茂名's 元 figure corrected to the computed
    value."""
    import openpyxl
    wb = openpyxl.load_workbook(register)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows())
    h = next(i for i, r in enumerate(rows) if any(c.value == "处理" for c in r))
    col = {c.value: c.column for c in rows[h] if c.value}
    hit = 0
    for r in rows[h + 1:]:
        v = {k: ws.cell(row=r[0].row, column=c).value for k, c in col.items()}
        if v.get("地市") == "茂名市" and v.get("代码") == "SE208":
            for k, x in (("处理", "按程序计算值更正"), ("依据", "2025-03-20 电话核实，茂名市住建局"), ("经办人", "李四"), ("日期", "2025-03-20")):
                ws.cell(row=r[0].row, column=col[k], value=x)
            hit += 1
    assert hit == 1, "the register has 茂名's SE208 row"
    wb.save(register)


def _variants(t: str) -> list:
    return [t, t[:19].replace("T", " "), t[:16].replace("T", " ")]


def _times(report: dict) -> list:
    """The run's time as its outputs print it, and the previous round's
    (which both runs print alike), longest first, all to one token: a run
    in the same minute as the previous one prints a prefix of it."""
    prev = (report.get("previous") or {}).get("generated_at")
    times = _variants(report["generated_at"]) + (_variants(prev) if prev else [])
    return [(t, b"TIME") for t in sorted(times, key=len, reverse=True)]


def _json(data: bytes) -> dict:
    r = json.loads(data)
    r["generated_at"] = "TIME"
    # Where the template set and params were read from: a path.
    r["templates"], r["params"] = "PATH", "PATH"
    if r.get("previous"):
        r["previous"]["generated_at"] = "TIME"
        r["previous"]["folder"] = "PATH"
    if r.get("decisions", {}).get("register"):
        r["decisions"]["register"] = "PATH"
    return r


# Excel's built-in number formats that umya may write by id or as custom.
BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 9: "0%", 10: "0.00%", 49: "@"}


def _styles(xml: bytes) -> bytes:
    """styles.xml with each number format named by its code, not its id:
    umya numbers the custom formats in hash order (two CLI runs differ),
    while what each cell style shows is the same."""
    import re
    text = xml.decode()
    codes = dict(BUILTIN_FORMATS)
    codes.update({int(i): c for i, c in re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/>', text)})
    text = re.sub(r'<numFmts[^>]*>.*?</numFmts>', "", text, flags=re.S)
    text = re.sub(r'numFmtId="(\d+)"', lambda m: f'numFmt="{codes.get(int(m.group(1)), m.group(1))}"', text)
    return text.encode()


def _parts(data: bytes, times: list) -> dict:
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for n in z.namelist():
            if n == "docProps/core.xml":
                continue
            b = z.read(n)
            if n == "xl/styles.xml":
                b = _styles(b)
            for t, token in times:
                b = b.replace(t.encode(), token)
            out[n] = b
    return out


def compare(cli_out: Path, zip_bytes: bytes) -> list:
    """Where the page's zip differs from the CLI's results folder."""
    fails = []
    cli = {str(p.relative_to(cli_out)).replace("\\", "/"): p.read_bytes() for p in cli_out.rglob("*") if p.is_file()}
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
        page = {n: z.read(n) for n in z.namelist()}
    if sorted(cli) != sorted(page):
        return [f"files differ:\n  cli:  {sorted(cli)}\n  page: {sorted(page)}"]
    tc, tp = _times(json.loads(cli["report.json"])), _times(json.loads(page["report.json"]))
    for name in sorted(cli):
        a, b = cli[name], page[name]
        if name.endswith(".json"):
            if _json(a) != _json(b):
                fails.append(f"{name} differs")
            continue
        pa, pb = _parts(a, tc), _parts(b, tp)
        if pa.keys() != pb.keys():
            fails.append(f"{name}: parts differ {sorted(pa)} vs {sorted(pb)}")
            continue
        bad = [n for n in pa if pa[n] != pb[n]]
        if bad:
            fails.append(f"{name}: {', '.join(bad)} differ")
    return fails


def zip_of_last(js) -> bytes:
    """The zip the page made, read from the page (Firefox's downloads are
    not the test's to catch)."""
    b64 = js("const z = new Uint8Array(window.selfeval.last.zip); let s = ''; "
             "for (let i = 0; i < z.length; i += 32768) s += String.fromCharCode.apply(null, z.subarray(i, i + 32768)); "
             "return btoa(s);")
    return base64.b64decode(b64)


def run_all(work: Path, summarise, timed=None) -> list:
    """The issue's three batches through `summarise(folder)` (the page's
    省级汇总: returns its view, zip bytes and ms) and through `selfeval run`;
    the failures. `timed` gets (what, ms) of the samples' run."""
    fails = []

    def check(name, folder, cli_out, want):
        view, zip_bytes, ms = summarise(folder)
        if view is None:
            fails.append(f"{name}: the page said {zip_bytes}")
            return None
        fails.extend(f"{name}: {f}" for f in compare(cli_out, zip_bytes))
        fails.extend(f"{name}: {f}" for f in want(view))
        print(f"{name:14} {len(view['files']):3} files  {ms:6} ms  {view['state']}")
        return view, ms

    # 1. The 15 samples.
    clean = materials(work, "clean")
    out = cli_run(clean, work / "clean-cli")
    got = check("samples", clean, out, lambda v: [] if len(v["cities"]) == 15 and all(c["in_totals"] == "是" for c in v["cities"]) else ["not all 15 counted"])
    if got and timed:
        timed("15 samples", got[1])

    # 2. A bad day: a city missing, a broken file, a figure in 元.
    bad = faulty(work)
    round1 = cli_run(bad)  # auto-named, beside the materials, as a clerk runs it

    def bad_view(v):
        by = {c["city"]: c for c in v["cities"]}
        f = []
        if by["汕头市"]["status"] != "未报送" or by["茂名市"]["in_totals"] != "否":
            f.append(f"汕头/茂名 shown as {by['汕头市']}, {by['茂名市']}")
        if not any("16_坏文件.xlsx" in l for l in v["loose"]):
            f.append(f"the broken file is not listed: {v['loose']}")
        return f
    check("missing+元+bad", bad, round1, bad_view)

    # 3. Round 2: the register filled in round 1's folder; the page is given
    # the parent holding both, the CLI finds them beside the materials.
    fill_register(round1 / "核实与更正.xlsx")
    view_fails = []

    def second(v):
        f = []
        if not v["round"].startswith("第 2 轮"):
            f.append(f"not a second round: {v['round']}")
        if "采用" not in v["register"] or "执行 1 项" not in v["register"]:
            f.append(f"the register was not applied: {v['register']}")
        return f
    page_view = summarise(bad.parent)
    out2 = cli_run(bad, work / "faulty-r2-cli")
    if page_view[0] is None:
        fails.append(f"round 2: the page said {page_view[1]}")
    else:
        fails.extend(f"round 2: {f}" for f in compare(out2, page_view[1]))
        fails.extend(f"round 2: {f}" for f in second(page_view[0]))
        print(f"{'round 2':14} {len(page_view[0]['files']):3} files  {page_view[2]:6} ms  {page_view[0]['register']}")
    return fails + view_fails
