"""province: many organisations' plans → one province workbook.

Reads each organisation's plan (a master through its hidden details and `ข้อมูล` sheet, any other
plan laid out like the form as `check` reads it), checks it, and writes the province workbook:
`สรุปจังหวัด`, `ข้อมูลรวม`, `แผนภูมิ`, `ปัญหา`. The user's guide is the README's section for the province
office.

The parts, each in its own file:
  model.py     what a plan read becomes (OrgPlan, Entry, Tally) and the sheets' names
  read.py      reading one plan or master into an OrgPlan
  identify.py  whose plan it is (organisation, อำเภอ, จังหวัด, year)
  checks.py    the checks of a master and across plans; their order
  workers.py   reading many plans, in worker processes when there are many
  result.py    ProvinceResult: totals, the command's text and JSON
  workbook.py  the province workbook (summary, charts, problems, hidden details)
  datasheet.py ข้อมูลรวม, its rows streamed
  reports.py   reading an organisation's result report into an OrgReport, recounted from its rows
  results_sheet.py  สรุปรายงานผล: the reports as e-PlanNACC's province table
  run.py       consolidate: all of the above, in order
"""

from .checks import check_reports, check_together, sort_plans
from .datasheet import DATA_COLUMNS
from .identify import organisation_key, parse_title
from .model import (CHART_SHEET, DATA_SHEET, KIND, MASTER_DATA_SHEET, MASTER_FORM_SHEET, MASTER_KIND, PROBLEMS_SHEET,
                    REPORT_DATA_SHEET, REPORT_KIND, REPORT_SHEET, RESULTS_SHEET, SUMMARY_SHEET, Entry, OrgPlan,
                    ProvinceRefused, Tally)
from .read import read_plan
from .reports import OrgReport
from .result import ProvinceResult
from .run import MAX_DATA_ROWS, consolidate
from .workbook import PROBLEM_COLUMNS, SUMMARY_COLUMNS, write_province
from .workers import PARALLEL_FROM, read_plans

__all__ = ["CHART_SHEET", "DATA_COLUMNS", "DATA_SHEET", "KIND", "MASTER_DATA_SHEET", "MASTER_FORM_SHEET",
           "MASTER_KIND", "MAX_DATA_ROWS", "PARALLEL_FROM", "PROBLEMS_SHEET", "PROBLEM_COLUMNS", "REPORT_DATA_SHEET",
           "REPORT_KIND", "REPORT_SHEET", "RESULTS_SHEET", "SUMMARY_COLUMNS", "SUMMARY_SHEET", "Entry", "OrgPlan",
           "OrgReport", "ProvinceRefused", "ProvinceResult", "Tally", "check_reports", "check_together",
           "consolidate", "organisation_key", "parse_title", "read_plan", "read_plans", "sort_plans",
           "write_province"]
