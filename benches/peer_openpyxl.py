#!/usr/bin/env python3
"""The peer of `selfeval check DIR --out OUT` for the feedback bench: what
a department would otherwise script with openpyxl. For each workbook in
DIR it loads the workbook (data_only, so formulas give their cached
values), reads the figures a check needs, and writes a small report
workbook per file into OUT. No checks beyond reading: the floor of the
openpyxl way, not a rival implementation.

Usage: python3 benches/peer_openpyxl.py DIR OUT
"""
import os
import sys

import openpyxl

CELLS = {"资金执行": ["B4", "B5", "B6", "B7"], "任务完成": ["B4", "C4", "B5", "C5", "B6", "C6", "B7", "C7"]}


def main(src, out):
    os.makedirs(out, exist_ok=True)
    n = 0
    for name in sorted(os.listdir(src)):
        if not name.endswith(".xlsx"):
            continue
        wb = openpyxl.load_workbook(os.path.join(src, name), data_only=True)
        rows = []
        for sheet, cells in CELLS.items():
            if sheet in wb.sheetnames:
                ws = wb[sheet]
                rows.extend((sheet, c, ws[c].value) for c in cells)
        report = openpyxl.Workbook()
        ws = report.active
        ws.title = "问题清单"
        ws.append(["工作表", "单元格", "值"])
        for r in rows:
            ws.append(list(r))
        report.save(os.path.join(out, name.replace(".xlsx", "_校验报告.xlsx")))
        n += 1
    print(n)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
