#!/usr/bin/env python3
"""The floor of the feedback bench (issue 42): the least any checker of
DIR's workbooks must do, a bare read of every sheet of every workbook
with python-calamine (calamine, the reader selfeval is built on, from
Python). One process, one file after another, nothing written.

Usage: python3 benches/floor_calamine.py DIR   (pip install python-calamine)
"""
import os
import sys

from python_calamine import CalamineWorkbook


def main(src):
    cells = 0
    for root, _, files in os.walk(src):
        for name in sorted(files):
            if name.endswith((".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")):
                wb = CalamineWorkbook.from_path(os.path.join(root, name))
                for sheet in wb.sheet_names:
                    cells += sum(len(row) for row in wb.get_sheet_by_name(sheet).to_python())
    print(cells)


if __name__ == "__main__":
    main(sys.argv[1])
