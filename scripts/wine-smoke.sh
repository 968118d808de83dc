#!/usr/bin/env bash
# Smoke test of selfeval.exe under Wine, against the Linux build on the same
# input: a copy of samples/2024 (forms, 自评报告 and 佐证材料) in a folder with
# a Chinese name and a space, with one planted error in a form and one
# report that disagrees with its form. Checks that the exe's report.json findings and
# summary values equal the Linux ones, exit codes match, Chinese paths,
# arguments and terminal text arrive intact, the drag-and-drop form works,
# and with stdin not a terminal it does not wait for Enter.
#
# Needs the exe (scripts/build-windows.sh). Installs wine64 if missing.
# Wine stands in for Windows; it does not prove behaviour on real Windows.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
EXE="$ROOT/target/x86_64-pc-windows-gnu/release/selfeval.exe"
[ -f "$EXE" ] || { echo "先运行 scripts/build-windows.sh"; exit 2; }
if ! [ -x /usr/lib/wine/wine64 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends wine64 gcc-mingw-w64-x86-64 >/dev/null
fi
# The Linux side is the test build's binary (the same code; .ci/run has
# built it already), so CI compiles no host release build at all.
cargo build --features dev --quiet --bin selfeval
LINUX="$ROOT/target/debug/selfeval"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export WINEPREFIX="$ROOT/target/wine-prefix" WINEDEBUG=-all LC_ALL=C.UTF-8
unset DISPLAY
WINE=/usr/lib/wine/wine64

# The exe and, for Wine 8 only, the ProcessPrng stub beside it.
mkdir -p "$WORK/bin"
cp "$EXE" "$WORK/bin/selfeval.exe"
x86_64-w64-mingw32-gcc -shared -O2 -o "$WORK/bin/bcryptprimitives.dll" windows/test-only/processprng_stub.c -ladvapi32

# The input: the samples in a Chinese folder name with a space, one error
# planted in a form and one in a report.
for side in linux windows; do
  mkdir -p "$WORK/$side/2024年 城市自评材料"
  cp -r samples/2024/. "$WORK/$side/2024年 城市自评材料/"
  python3 - "$WORK/$side/2024年 城市自评材料" <<'PY'
import sys, zipfile, glob, re, os

def plant(city, ext, member, edit, what):
    """The city's .ext file with one member edited in place; `edit` must change it."""
    path = [p for p in glob.glob(sys.argv[1] + "/*." + ext) if city in p][0]
    tmp = path + ".new"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == member:
                new = edit(data)
                assert new != data, what
                data = new
            out.writestr(item, data)
    os.replace(tmp, path)

# 潮州市's 资金执行 B7 (支出率) is a formula: the cached result is what a reader sees.
plant("潮州市", "xlsx", "xl/worksheets/sheet2.xml",
      lambda d: re.sub(rb'(<c r="B7"[^>]*>(?:<f>[^<]*</f>)?<v>)0\.1582(</v>)', rb"\g<1>0.1682\g<2>", d), "planted error")
# 汕头市's 自评报告 says 支出率 6.53% where its form holds 4.53%.
plant("汕头市", "docx", "word/document.xml",
      lambda d: d.replace("支出率为4.53%".encode(), "支出率为6.53%".encode(), 1), "planted disagreement")
PY
done

# 韶关市's 自评报告 as a PDF, exported by LibreOffice: the exe reads the
# text layer with the same code (the same file on both sides).
REPORT=$(ls "$WORK/linux/2024年 城市自评材料/"*韶关市*自评报告.docx)
soffice --headless --convert-to pdf --outdir "$WORK/pdf" "$REPORT" > /dev/null 2>&1
for side in linux windows; do
  rm "$WORK/$side/2024年 城市自评材料/$(basename "$REPORT")"
  cp "$WORK/pdf/$(basename "${REPORT%.docx}").pdf" "$WORK/$side/2024年 城市自评材料/"
done

echo "== 1. run on the same input: Linux and Windows"
set +e
(cd "$WORK/linux" && "$LINUX" run "2024年 城市自评材料" --out 结果 --no-pause > stdout.txt 2> stderr.txt < /dev/null); LCODE=$?
(cd "$WORK/windows" && timeout 300 "$WINE" "$WORK/bin/selfeval.exe" run "2024年 城市自评材料" --out 结果 --no-pause > stdout.txt 2> stderr.txt < /dev/null); WCODE=$?
set -e
echo "exit codes: linux $LCODE, windows $WCODE"
[ "$LCODE" = 1 ] && [ "$WCODE" = 1 ] || { echo "FAIL: exit codes"; cat "$WORK/windows/stderr.txt"; exit 1; }

python3 - "$WORK" <<'PY'
import json, sys, zipfile, pathlib
w = pathlib.Path(sys.argv[1])
def report(side):
    return json.loads((w / side / "结果" / "report.json").read_text(encoding="utf-8"))
L, W = report("linux"), report("windows")
keys = ["severity", "code", "file", "city", "sheet", "cell", "message", "expected", "found", "fix"]
lf = [[f[k] for k in keys] for f in L["findings"]]
wf = [[f[k] for k in keys] for f in W["findings"]]
assert lf == wf, f"findings differ:\n{lf[:3]}\n{wf[:3]}"
assert L["totals"] == W["totals"], "totals differ"
assert L["inputs"] == W["inputs"], "inputs differ"
assert any(f[1] == "SE302" and f[3] == "潮州市" and f[5] == "B7" for f in wf), "planted error reported"
assert any(f[1] == "SE603" and f[3] == "汕头市" and "报告写 6.53%" in f[6] for f in wf), "the report's disagreement reported"
assert [c["submission"] for c in L["cities"]] == [c["submission"] for c in W["cities"]], "submissions differ"
sent = {c["city"]: [p["file"] for p in c["submission"]["parts"]] for c in W["cities"]}
assert any(p.endswith("自评报告.pdf") for p in sent["韶关市"]), sent["韶关市"]
assert not any(f[1] in ("SE604", "SE605") for f in wf), "every report read, the PDF too"
# 潮州市 carries the planted error: its row is left out of every total, said so.
assert W["totals"]["cities_counted"] == 14 and "待修正的潮州市" in W["totals"]["coverage"], W["totals"]["coverage"]
spent = W["totals"]["tables"]["budget"]["exec.spent"]["total"]
assert spent == "3573.35", spent
def parts(side):
    z = zipfile.ZipFile(w / side / "结果" / "省级汇总表.xlsx")
    return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/") or n == "xl/sharedStrings.xml"}
lp, wp = parts("linux"), parts("windows")
assert lp == wp, "summary workbook values differ"
lfb = sorted(p.name for p in (w / "linux" / "结果" / "反馈").iterdir())
wfb = sorted(p.name for p in (w / "windows" / "结果" / "反馈").iterdir())
assert lfb == wfb and len(wfb) >= 15, f"feedback files differ: {lfb} vs {wfb}"
lt = (w / "linux" / "stdout.txt").read_text(encoding="utf-8")
wt = (w / "windows" / "stdout.txt").read_text(encoding="utf-8").replace("\r\n", "\n")
assert lt == wt, f"terminal text differs:\n{lt}\n---\n{wt}"
assert "读取工作簿 15 个" in wt and "潮州市" in wt
print(f"findings {len(wf)} equal, totals equal, {len(wp)} summary parts equal, {len(wfb)} feedback files, terminal text equal")
PY

echo "== 2. drag and drop: the bare folder path, as Windows passes it"
DROP="$WORK/windows/拖放测试"
mkdir -p "$DROP/2024年 城市自评材料"
cp samples/2024/*.xlsx "$DROP/2024年 城市自评材料/"
WINPATH=$("$WINE" winepath -w "$DROP/2024年 城市自评材料" 2>/dev/null | tr -d '\r')
echo "dropped: $WINPATH"
set +e
timeout 300 "$WINE" "$WORK/bin/selfeval.exe" "$WINPATH" > "$WORK/drop.txt" 2>&1 < /dev/null; DCODE=$?
set -e
[ "$DCODE" = 0 ] || { echo "FAIL: drop exit $DCODE"; cat "$WORK/drop.txt"; exit 1; }
OUTDIR=$(ls -d "$DROP"/2024年\ 城市自评材料_校验结果_* | head -1)
[ -f "$OUTDIR/省级汇总表.xlsx" ] && [ -f "$OUTDIR/report.json" ] || { echo "FAIL: no output beside the dropped folder"; exit 1; }
grep -q "按回车键退出" "$WORK/drop.txt" && { echo "FAIL: waited for Enter with stdin not a terminal"; exit 1; }
grep -q "读取工作簿 15 个" "$WORK/drop.txt" || { echo "FAIL: terminal text"; cat "$WORK/drop.txt"; exit 1; }
echo "output beside the dropped folder: $(basename "$OUTDIR")"

echo "== 3. Chinese help and usage errors"
H_L=$("$LINUX" --help); H_W=$("$WINE" "$WORK/bin/selfeval.exe" --help < /dev/null | tr -d '\r')
[ "$H_L" = "$H_W" ] || { echo "FAIL: --help differs"; exit 1; }
set +e
"$WINE" "$WORK/bin/selfeval.exe" --不存在的选项 > /dev/null 2> "$WORK/usage.txt" < /dev/null; UCODE=$?
set -e
[ "$UCODE" = 2 ] && grep -q "不认识的选项：--不存在的选项" "$WORK/usage.txt" || { echo "FAIL: usage error"; cat "$WORK/usage.txt"; exit 1; }
printf '%s\n' "$H_W" | head -3

echo "== 4. a file hidden in Explorer is passed over"
HID="$WORK/windows/隐藏测试"
mkdir -p "$HID"
cp samples/2024/01_*.xlsx "$HID/"
cp samples/2024/02_*.xlsx "$HID/隐藏的副本.xlsx"
"$WINE" cmd /c attrib +h "$("$WINE" winepath -w "$HID/隐藏的副本.xlsx" | tr -d '\r')" > /dev/null 2>&1 < /dev/null
(cd "$HID" && "$WINE" "$WORK/bin/selfeval.exe" check . --out 查 --json < /dev/null > check.json 2> /dev/null) || true
python3 - "$HID/check.json" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1], encoding="utf-8").read())
files = [i["file"] for i in r["inputs"]]
assert files == ["01_汕头市_2024年绩效自评表.xlsx"], files
print("inputs:", files)
PY

echo "== 5. a path longer than 260 characters (MAX_PATH), dropped"
DEEP="$WORK/windows/$(python3 -c "print('/'.join('很长的文件夹名称第%02d层' % i for i in range(22)))")"
mkdir -p "$DEEP"
cp samples/2024/01_*.xlsx "$DEEP/"
# winepath truncates long paths; Wine maps Z: to /.
WDEEP="Z:$(printf '%s' "$DEEP" | tr '/' '\\')"
python3 -c "import sys; n = len(sys.argv[1]); assert n > 260, n; print('path length', n)" "$WDEEP"
set +e
timeout 120 "$WINE" "$WORK/bin/selfeval.exe" check "$WDEEP" < /dev/null > "$WORK/long.txt" 2>&1; LONGCODE=$?
set -e
[ "$LONGCODE" = 0 ] || { echo "FAIL: long path exit $LONGCODE"; cat "$WORK/long.txt"; exit 1; }
ls -d "$(dirname "$DEEP")"/*_校验结果_*/反馈/汕头市_校验报告.xlsx > /dev/null || { echo "FAIL: no output beside the long path"; exit 1; }
echo "checked and wrote beside a ${#WDEEP}-character path"

echo "wine smoke: 5 passed, 0 failed"
