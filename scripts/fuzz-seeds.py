#!/usr/bin/env python3
"""Writes fuzz/seeds/<target>/: the starting corpus of each fuzz target.

Workbook targets take a mode byte first (src/fuzzing.rs): 0xFF and a whole
file, or a member's index and that member's bytes. Seeds are made from the
samples and the format fixtures (themselves generated from the seed's
figures) and from small public test files under tests/fixtures/outside
(sources in its README). A previous run's register and report.json are
taken from `selfeval run samples/2024`, given as the first argument.

    python3 scripts/fuzz-seeds.py RESULTS_FOLDER
"""
import pathlib, shutil, sys, zipfile

import olefile

root = pathlib.Path(__file__).resolve().parent.parent
seeds = root / "fuzz" / "seeds"
run = pathlib.Path(sys.argv[1])


def put(target, name, data):
    d = seeds / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)


def members(target, path, limit=64 * 1024):
    """One seed per member (mode byte = its index), and the whole file."""
    data = path.read_bytes()
    put(target, "whole-" + path.stem, b"\xff" + data)
    with zipfile.ZipFile(path) as z:
        for i, info in enumerate(z.infolist()):
            body = z.read(info)
            if len(body) <= limit:
                safe = info.filename.replace("/", "_")
                put(target, f"m{i:02}-{safe}", bytes([i]) + body)


shutil.rmtree(seeds, ignore_errors=True)
sample = root / "samples/2024/01_汕头市_2024年绩效自评表.xlsx"
members("xlsx", sample)
members("xlsb", root / "tests/fixtures/formats/01_汕头市.xlsb")
members("ods", root / "tests/fixtures/formats/01_汕头市.ods")
members("params", root / "templates/old-communities/2024/省级参数表.xlsx")
# The register's base is this very file (src/fuzzing.rs reads it).
register = run / "核实与更正.xlsx"
put("register", "核实与更正.xlsx", register.read_bytes())
members("register", register)

xls = root / "tests/fixtures/formats/01_汕头市.xls"
with olefile.OleFileIO(str(xls)) as ole:
    put("xls", "workbook-stream", b"\x00" + ole.openstream("Workbook").read())
put("xls", "whole-01", b"\xff" + xls.read_bytes())

for f in sorted((root / "tests/fixtures/outside").iterdir()):
    if f.suffix in (".xls", ".xlsx", ".xlsb", ".ods", ".xlsm") and f.stat().st_size <= 64 * 1024:
        put("sniff", f.name, f.read_bytes())
for f in sorted((root / "tests/fixtures/formats").iterdir()):
    put("sniff", f.name, f.read_bytes())
put("sniff", sample.name, sample.read_bytes())

for i, name in enumerate(["form.toml", "summary.toml", "checks.toml", "report.toml"]):
    put("templates", name, bytes([i]) + (root / "templates/old-communities/2024" / name).read_bytes())

put("previous", "report.json", (run / "report.json").read_bytes())

# Reports: the sample .docx by part (its base, src/fuzzing.rs), and whole
# files as LibreOffice saves them (tests/fixtures/reports).
members("report", root / "samples/2024/01_汕头市_2024年绩效自评报告.docx")
for f in sorted((root / "tests/fixtures/reports").iterdir()):
    if f.suffix in (".docx", ".doc", ".pdf"):
        put("report", "whole-" + f.name, b"\xff" + f.read_bytes())
