"""The floor: the least a merge must do, as one process. Reads every cell of every sheet of every
workbook with python-calamine and writes every data row (those under the header that hold something),
unformatted, to one sheet with xlsxwriter. No checks, no cleaning, no layout.

    python benchmarks/floor.py FOLDER OUTPUT.xlsx [FIRST_DATA_ROW]

The tool does at least this much I/O, so tool time / floor time says what its own work costs.
xlsxwriter runs in its default mode (shared strings, not constant_memory) like the tool's master
writer, and with the same options, so that the ratio does not reward a writer mode.
"""

import sys
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook


def main(folder: str, output: str, first_row: int = 6) -> int:
    book = xlsxwriter.Workbook(output, {"strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("data")
    out_row = 0
    cells = 0
    for path in sorted(Path(folder).glob("*.xlsx")):
        workbook = CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(map(len, rows))
            if name.startswith("_"):
                continue  # hidden metadata: read, not written
            for row in rows[first_row:]:
                if any(value != "" for value in row):
                    sheet.write_row(out_row, 0, row)
                    out_row += 1
        workbook.close()
    book.close()
    print(f"floor: {cells} cells read, {out_row} rows written")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 6))
