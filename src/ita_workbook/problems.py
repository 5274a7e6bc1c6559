"""Problems found in the departments' files: stable codes, Thai and English messages, the report.

Every message starts with what is wrong and ends with what to do, Thai first. The codes are a
public interface (JSON consumers key on them): add codes, never rename them.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .output import readable

MAX_JSON_VALUE = 1000  # characters of a cell's value repeated in a JSON problem
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    severity: str
    thai: str
    english: str


# {value} is the value found, {column} the column's Thai header, {detail}/{detail_en} free text.
CODES: dict[str, Code] = {
    "unreadable-file": Code(ERROR, "อ่านไฟล์ไม่ได้: {detail}", "Cannot read the file: {detail_en}"),
    "macros-ignored": Code(WARNING, "ไฟล์มีแมโคร (macro) ซึ่งโปรแกรมไม่เปิดใช้งาน อ่านเฉพาะข้อมูลในตาราง",
                           "The file holds macros; they were never run, only the table was read"),
    "active-formula": Code(WARNING, "สูตรในช่องนี้เรียกโปรแกรมอื่นหรือไฟล์อื่น ({value}) สำเนาที่ระบายสีเก็บไว้เป็นข้อความ "
                                  "ไม่ให้ทำงานเมื่อเปิดไฟล์ ลบสูตรนี้ออกจากไฟล์ต้นฉบับ",
                           "This formula calls a program or another workbook ({value}); the marked-up copy keeps "
                           "it as text so it never runs; remove it from the original"),
    "wrong-template": Code(ERROR, "แบบฟอร์มนี้เป็นของ{detail} ไม่ใช่ของแผนที่กำลังรวม (ตาม plan.toml) "
                                  "ถ้า plan.toml ผิด ให้แก้ชื่อหน่วยงานหรือปีงบประมาณใน plan.toml ให้ตรงกับแบบฟอร์ม "
                                  "แล้วสั่งอีกครั้ง ถ้า plan.toml ถูก ให้สร้างแบบฟอร์มใหม่ด้วยคำสั่ง template "
                                  "แล้วคัดลอกข้อมูลของไฟล์นี้ลงแบบฟอร์มใหม่",
                           "This template belongs to {detail_en}, not to the plan being merged (as plan.toml "
                           "says); if plan.toml is wrong, correct its organisation or fiscal year to match and "
                           "run again; if it is right, make the templates again with `template` and copy this "
                           "file's rows into the new one"),
    "old-template": Code(WARNING, "แบบฟอร์มรุ่นเก่า ({value}) ตรวจสอบว่าคอลัมน์ตรงกับแบบฟอร์มปัจจุบัน",
                         "An older template version ({value}); check its columns match the current form"),
    "header-not-found": Code(ERROR, "ไม่พบหัวตารางของแบบฟอร์มในไฟล์นี้ (ต้องมีหัวคอลัมน์ เช่น "
                                    "\"แผนงาน/โครงการ/กิจกรรม\" \"งบประมาณ\" \"มิติ\" ภายใน 30 แถวแรก) "
                                    "ใช้แบบฟอร์มที่ผู้ประสานงานส่งให้",
                             "No header of the form found (it needs column headers such as "
                             "'แผนงาน/โครงการ/กิจกรรม', 'งบประมาณ', 'มิติ' in the first 30 rows); "
                             "use the template the coordinator sent"),
    "missing-column": Code(ERROR, "ไม่พบคอลัมน์ \"{column}\" ในหัวตาราง เพิ่มคอลัมน์นี้ตามแบบฟอร์ม",
                           "Column '{column}' is missing from the header; add it as on the form"),
    "missing-optional-column": Code(WARNING, "ไม่พบคอลัมน์ \"{column}\" ในหัวตาราง (ไม่บังคับ)",
                                    "Optional column '{column}' is missing from the header"),
    "missing-value": Code(ERROR, "ช่อง \"{column}\" ว่าง กรุณากรอกข้อมูล",
                          "'{column}' is empty; fill it in"),
    "bad-budget": Code(ERROR, "งบประมาณ \"{value}\" ไม่ถูกต้อง ใส่จำนวนเงินเป็นตัวเลข (เช่น 10,000) "
                              "หรือ \"ไม่ใช้งบประมาณ\"",
                       "Budget '{value}' is not valid; enter an amount (e.g. 10,000) or 'ไม่ใช้งบประมาณ'"),
    "bad-dimension": Code(ERROR, "มิติ \"{value}\" ไม่ถูกต้อง ใส่เลขมิติ 1 ถึง 4",
                          "Dimension '{value}' is not valid; enter 1 to 4"),
    "bad-quarter-mark": Code(ERROR, "เครื่องหมายในช่อง \"{column}\" คือ \"{value}\" ซึ่งไม่รู้จัก "
                                    "ใส่ / ในไตรมาสที่ดำเนินการ หรือเว้นว่าง",
                             "Unknown mark '{value}' in '{column}'; put / in the quarters the project "
                             "runs, or leave it blank"),
    "bad-quarters": Code(ERROR, "ช่องไตรมาสเขียนว่า \"{value}\" ซึ่งอ่านเป็นไตรมาสไม่ได้ ใส่เลขไตรมาส 1 ถึง 4 "
                                "คั่นด้วยจุลภาค เช่น 2 หรือ 1,3 หรือ 1-4 (ถ้า Excel เปลี่ยนเป็นวันที่ ให้จัดรูปแบบช่องเป็นข้อความ "
                                "แล้วพิมพ์ใหม่)",
                         "The quarter cell says '{value}', which names no quarters; enter quarter numbers 1 to 4 "
                         "separated by commas, e.g. 2, 1,3 or 1-4 (if Excel turned it into a date, format the cell "
                         "as Text and type it again)"),
    "bad-quantity": Code(ERROR, "จำนวน \"{value}\" ไม่ใช่ตัวเลขที่ใช้ได้ ใส่จำนวนเป็นตัวเลข (เช่น 1) หรือข้อความ",
                         "Quantity '{value}' is not a usable number; enter a number (e.g. 1) or words"),
    "no-quarter": Code(ERROR, "โครงการนี้ไม่ได้ระบุไตรมาสที่ดำเนินการ ใส่ / อย่างน้อยหนึ่งไตรมาส",
                       "No quarter is marked for this project; put / in at least one quarter"),
    "unknown-department": Code(ERROR, "ไม่รู้จักหน่วยงาน \"{value}\"{detail} ใช้ชื่อหน่วยงานตามรายชื่อ",
                               "Unknown department '{value}'{detail_en}; use a name from the list"),
    "excel-date": Code(ERROR, "ช่อง \"{column}\" ที่พิมพ์ไว้ว่า {value} ถูก Excel เปลี่ยนเป็น{detail} "
                              "ถ้าไม่ได้ตั้งใจให้เป็นวันที่หรือเวลา ให้คลิกขวาที่ช่องนี้ เลือก จัดรูปแบบเซลล์ (Format Cells) > "
                              "ข้อความ (Text) แล้วพิมพ์ {value} ใหม่",
                       "'{column}' typed as {value} was turned by Excel into {detail_en}; if it is not meant as "
                       "a date or time, right-click the cell, Format Cells > Text, and type {value} again"),
    "formula-without-value": Code(ERROR, "ช่อง \"{column}\" เป็นสูตรที่ยังไม่ได้คำนวณค่า "
                                         "เปิดไฟล์ใน Excel หรือ LibreOffice แล้วบันทึกใหม่ หรือพิมพ์ค่าแทนสูตร",
                                  "'{column}' is a formula whose value was never computed; open and "
                                  "save the file in Excel or LibreOffice, or type the value"),
    "text-too-long": Code(ERROR, "ข้อความในช่อง \"{column}\" ยาวเกิน {detail} ตัวอักษร ย่อข้อความให้สั้นลง",
                          "The text in '{column}' is longer than {detail_en} characters; shorten it"),
    "department-only-row": Code(WARNING, "แถวนี้มีแต่หน่วยงานรับผิดชอบ \"{value}\" ไม่มีชื่อโครงการหรือข้อมูลอื่น จึงไม่นับเป็นโครงการ "
                                         "ถ้าเป็นโครงการ ให้กรอกข้อมูลให้ครบ ถ้าไม่ใช่ ให้ลบชื่อหน่วยงานออก",
                                "This row holds only the department '{value}', no project name or other data, so it "
                                "is not counted as a project; fill in the project, or clear the department"),
    "continuation-row": Code(WARNING, "แถวนี้มีแต่ข้อความต่อจากโครงการด้านบน จึงนำไปรวมกับโครงการนั้น "
                                      "ตรวจสอบว่าถูกต้อง",
                             "This row only continues the text of the project above and was joined "
                             "to it; check that this is right"),
    "extra-column": Code(WARNING, "คอลัมน์ \"{value}\" ไม่อยู่ในแบบฟอร์ม ข้อมูลในคอลัมน์นี้จึงไม่ได้นำไปรวมในแผน "
                                  "ถ้าสำคัญให้ย้ายไปไว้ในช่องตัวชี้วัดหรือผลลัพธ์",
                         "Column '{value}' is not on the form, so its data is not carried into the plan; move "
                         "what matters into ตัวชี้วัด or ผลลัพธ์"),
    "unknown-column": Code(ERROR, "คอลัมน์ \"{value}\" ไม่อยู่ในแบบฟอร์ม และหัวคอลัมน์พูดถึงเงิน หน่วย ปี แหล่งเงิน "
                                    "ระยะเวลา หรือมิติ ซึ่งอาจเปลี่ยนยอดที่นับ โปรแกรมจึงไม่นับแทนให้ "
                                    "ย้ายข้อมูลไปไว้ในคอลัมน์ของแบบฟอร์ม หรือลบคอลัมน์นี้",
                           "Column '{value}' is not on the form and its header speaks of money, a unit, a year, "
                           "a source, a period or a dimension, which could change the counts; move its data "
                           "into the form's columns or delete it"),
    "unknown-unit": Code(ERROR, "ไม่รู้จักหน่วยของงบประมาณ \"{value}\" ใช้ บาท พันบาท หรือ ล้านบาท",
                         "Unknown budget unit '{value}'; use บาท, พันบาท or ล้านบาท"),
    "stray-value": Code(ERROR, "ช่องนี้มีตัวเลขหรือเครื่องหมาย \"{value}\" อยู่นอกคอลัมน์ของแบบฟอร์ม (หรือใต้ตาราง) "
                               "ซึ่งอาจเปลี่ยนยอดที่นับ ย้ายไปไว้ในคอลัมน์ที่ถูกต้อง หรือลบออก",
                        "This cell holds a number or mark ('{value}') outside the form's columns (or under "
                        "the table), which could change the counts; move it into the right column or delete it"),
    "stray-text": Code(WARNING, "ข้อความ \"{value}\" อยู่นอกคอลัมน์ของแบบฟอร์ม จึงไม่ได้นำไปรวมในแผน",
                       "The text '{value}' is outside the form's columns, so it is not carried into the plan"),
    "name-only-row": Code(ERROR, "แถวนี้มีแต่ชื่อ \"{value}\" ไม่มีข้อมูลอื่นของโครงการ (งบประมาณ ไตรมาส ตัวชี้วัด "
                                 "หน่วยงาน) จึงไม่แน่ใจว่าเป็นโครงการหรือหมายเหตุ ถ้าเป็นโครงการให้กรอกข้อมูลให้ครบ "
                                 "ถ้าเป็นหัวข้อให้ใส่เลขหัวข้อ (เช่น 1.1) ถ้าเป็นหมายเหตุให้ย้ายออกไปไว้ใต้ตาราง",
                          "This row holds only a name ('{value}') and nothing else of a project (budget, "
                          "quarters, indicator, department), so it may be a project or a note; fill it in if it "
                          "is a project, number it (1.1) if it is a heading, or move a note under the table"),
    "nameless-row": Code(ERROR, "แถวนี้มีข้อมูลแต่ไม่มีชื่อโครงการ จึงไม่แน่ใจว่าเป็นโครงการหรือไม่ ใส่ชื่อโครงการ "
                                "หรือลบข้อมูลในแถวนี้",
                         "This row holds data but no project name, so it may or may not be a project; name the "
                         "project or clear the row"),
    "hidden-row": Code(WARNING, "แถวนี้ถูกซ่อนไว้ใน Excel แต่โปรแกรมอ่านเป็นโครงการด้วย ถ้าไม่ใช่โครงการในแผน ให้ลบแถวนี้",
                       "This row is hidden in Excel but was read as a project; delete it if it is not part "
                       "of the plan"),
    "duplicate-project": Code(WARNING, "ชื่อโครงการ \"{value}\" ซ้ำกับ {detail} ตรวจสอบว่าไม่ได้กรอกซ้ำ",
                              "Project '{value}' also appears at {detail_en}; check it is not entered twice"),
    "unit-is-number": Code(WARNING, "หน่วยนับ \"{value}\" เป็นตัวเลข ควรเป็นคำ เช่น คน ครั้ง โครงการ "
                                    "(ตัวเลขควรอยู่ในช่องปริมาณงาน)",
                           "Unit '{value}' is a number; it should be a word such as คน, ครั้ง "
                           "(numbers go in ปริมาณงาน)"),
    "master-as-input": Code(WARNING, "ไฟล์นี้เป็นแผนรวม (ไฟล์ที่โปรแกรมสร้าง) ไม่ใช่แบบฟอร์มของกอง จึงไม่นำมารวมซ้ำ",
                            "This file is a merged master plan, not a department's form; it was left out"),
    "no-projects": Code(WARNING, "ไม่พบโครงการในไฟล์นี้", "No project found in this file"),
    "total-mismatch": Code(ERROR, "ยอดรวม \"{column}\" ที่ระบุไว้คือ {value} แต่นับจากรายการได้ {detail}",
                           "The stated total of '{column}' is {value} but the rows add up to {detail_en}"),
    "totals-not-found": Code(ERROR, "ไม่พบแถวรวม (แถวที่ขึ้นต้นด้วย \"รวม\") ใต้ตาราง",
                             "No totals row (a row starting with 'รวม') below the table"),
    # merge: {detail} names what is missing or which values disagree; {value} the option to use
    "plan-details-missing": Code(WARNING, "ไม่ทราบ{detail} จึงเว้นเป็นเส้นประไว้ในแผน ระบุใน plan.toml "
                                          "หรือใช้ตัวเลือก {value}",
                                 "{detail_en} unknown, left as a dotted line in the plan; set it in "
                                 "plan.toml or with {value}"),
    "templates-disagree": Code(WARNING, "แบบฟอร์มแต่ละไฟล์ระบุ{detail} ไม่ตรงกัน ({value}) ตรวจสอบว่าใช้แบบฟอร์มถูกชุด "
                                        "และระบุค่าที่ถูกต้องใน plan.toml",
                               "The templates disagree on {detail_en} ({value}); check they are the right "
                               "ones and set the right value in plan.toml"),
    # province: one organisation's plan among many
    "missing-dimension": Code(WARNING, "แผนนี้ไม่มีโครงการในมิติที่ {value} ({detail}) ตรวจสอบว่าไม่ได้ตกหล่น "
                                       "แผนควรมีโครงการครบทั้ง ๔ มิติ",
                              "The plan has no project in dimension {value} ({detail_en}); check none was "
                              "left out: a plan should cover all four dimensions"),
    "duplicate-organisation": Code(ERROR, "ได้รับแผนของ \"{value}\" มากกว่าหนึ่งไฟล์ (อีกไฟล์: {detail}) "
                                          "ยอดรวมของจังหวัดนับทุกไฟล์ ลบไฟล์ที่ไม่ใช่ฉบับล่าสุดแล้วสั่งใหม่",
                                   "More than one plan of '{value}' was received (also: {detail_en}); the "
                                   "province totals count every file: remove the one that is not the latest "
                                   "and run again"),
    "plan-sent-twice": Code(ERROR, "แผนนี้มีโครงการเหมือนกับแผนในไฟล์ {value} ทุกโครงการ ({detail} โครงการ: ชื่อ งบประมาณ มิติ "
                                   "ไตรมาส หน่วยงาน) แม้ชื่อหน่วยงานที่อ่านได้ต่างกัน ตรวจสอบว่าไม่ได้ส่งแผนเดียวกันซ้ำ "
                                   "ลบไฟล์ที่ไม่ใช่ฉบับล่าสุดแล้วสั่งใหม่",
                            "This plan's projects are exactly those of {value} ({detail} projects: names, budgets, "
                            "dimensions, quarters, departments) although the organisations read differ; check the "
                            "same plan was not sent twice, remove the older file and run again"),
    "wrong-fiscal-year": Code(ERROR, "แผนนี้เป็นของปีงบประมาณ {value} ไม่ใช่ปี {detail} ที่กำลังรวม "
                                     "ขอแผนของปีที่ถูกต้องจากหน่วยงาน",
                              "This plan is for fiscal year {value}, not {detail_en} being consolidated; ask "
                              "the organisation for the right year's plan"),
    "fiscal-year-unknown": Code(WARNING, "ไม่ทราบปีงบประมาณของแผนนี้ (ไม่มี \"พ.ศ. ....\" ในหัวแผน) "
                                         "ตรวจสอบว่าเป็นแผนของปีที่ถูกต้อง",
                                "The plan's fiscal year is unknown (no 'พ.ศ. ....' in its title); check it is "
                                "the right year's plan"),
    "organisation-from-filename": Code(WARNING, "ไม่พบชื่อหน่วยงานในแผน (ในข้อมูลของแผนรวม หรือบรรทัดหัวเรื่อง"
                                                "เหนือตาราง) จึงใช้ชื่อไฟล์ \"{value}\" แทน ตรวจสอบชื่อในแผ่นงานสรุป",
                                       "No organisation name in the plan (the master's details or the title "
                                       "lines above the table): the file name '{value}' is used instead; check "
                                       "it on the summary"),
    "district-unknown": Code(WARNING, "ไม่ทราบอำเภอของแผนนี้ (ไม่มีบรรทัด \"อำเภอ... จังหวัด...\" เหนือตาราง) "
                                      "จึงเรียงไว้ท้ายตาราง ระบุอำเภอในหัวแผน",
                             "The plan's district (อำเภอ) is unknown (no 'อำเภอ... จังหวัด...' line above the "
                             "table), so it is listed last; put the district in the plan's title"),
    "other-province": Code(WARNING, "แผนนี้ระบุจังหวัด{value} ไม่ใช่จังหวัด{detail} ตรวจสอบว่าส่งมาถูกจังหวัด",
                           "This plan names the province {value}, not {detail_en}; check it was sent to the "
                           "right province"),
    "draft-plan": Code(ERROR, "แผนนี้เป็นฉบับร่าง (ยังมีข้อผิดพลาดที่ไม่ได้แก้) ขอแผนฉบับจริงจากหน่วยงาน",
                       "This plan is a draft (with errors not yet fixed); ask the organisation for the "
                       "final plan"),
    "master-edited": Code(ERROR, "แผนรวมนี้ถูกแก้ไขหลังจากโปรแกรมสร้าง: {detail} ให้หน่วยงานรวมแผนใหม่ด้วยคำสั่ง merge",
                          "This master was changed after it was made: {detail_en}; ask the organisation to "
                          "merge it again"),
    # province: the organisations' result reports (รายงานผล)
    "report-edited": Code(ERROR, "รายงานผลนี้ถูกแก้ไขหลังจากโปรแกรมสร้าง: {detail} ให้หน่วยงานสั่ง report ใหม่",
                          "This result report was changed after it was made: {detail_en}; ask the organisation "
                          "to compile it again"),
    "draft-report": Code(ERROR, "รายงานผลนี้เป็นฉบับร่าง (ยังมีข้อผิดพลาดที่ไม่ได้แก้) ขอรายงานฉบับจริงจากหน่วยงาน",
                         "This result report is a draft (with errors not yet fixed); ask the organisation for "
                         "the final report"),
    "duplicate-report": Code(ERROR, "ได้รับรายงานผลของ \"{value}\" มากกว่าหนึ่งไฟล์ (อีกไฟล์: {detail}) "
                                    "นับเฉพาะไฟล์แรก ลบไฟล์ที่ไม่ใช่ฉบับล่าสุดแล้วสั่งใหม่",
                             "More than one result report of '{value}' was received (also: {detail_en}); only "
                             "the first is counted: remove the one that is not the latest and run again"),
    "report-missing": Code(WARNING, "ได้รับแผนแล้ว แต่ยังไม่ได้รับรายงานผลรอบ {value} เดือน ติดตามจากหน่วยงาน",
                           "The plan came but the {value}-month result report did not; ask the organisation"),
    "report-without-plan": Code(WARNING, "ได้รับรายงานผลของ \"{value}\" แต่ไม่ได้รับแผนของหน่วยงานนี้ "
                                         "ผลยังแสดงในตารางรายงานผล ขอแผนจากหน่วยงาน",
                                "A result report of '{value}' came without its plan; its figures are still "
                                "listed: ask the organisation for the plan"),
    "report-left-out": Code(WARNING, "รายงานผลนี้ไม่นำมานับ: {detail}",
                            "This result report is not counted: {detail_en}"),
    # reading: layouts and values the form does not have
    "excel-error": Code(ERROR, "ช่อง \"{column}\" แสดงค่าผิดพลาดของ Excel \"{value}\" (สูตรคำนวณไม่ได้) "
                               "แก้สูตร หรือพิมพ์ค่าลงไปแทน",
                        "'{column}' shows Excel's error value '{value}' (a formula that failed); fix the "
                        "formula or type the value"),
    "layout-lacks": Code(ERROR, "ตารางนี้เป็น{detail} จึงนับหรือตรวจส่วนนั้นไม่ได้ ตัวเลขในรายงานไม่รวมส่วนนั้น",
                         "This table is {detail_en}, so that part cannot be counted or checked; the report's "
                         "figures leave it out"),
    "nothing-counted": Code(ERROR, "ไม่พบโครงการในตาราง จึงไม่มีอะไรให้นับหรือตรวจยอดรวม "
                                   "ตรวจสอบว่าเป็นไฟล์แผนที่ถูกต้อง",
                            "No project found in the table, so nothing could be counted or checked; check it "
                            "is the right plan"),
    "file-not-read": Code(WARNING, "ไม่ได้อ่านไฟล์ \"{value}\" ในโฟลเดอร์: {detail}",
                          "The file '{value}' in the folder was not read: {detail_en}"),
    "sent-twice": Code(ERROR, "ไฟล์นี้ซ้ำกับไฟล์ {value} ({detail}) จึงไม่รวมแผน เพื่อไม่ให้นับโครงการซ้ำ "
                              "เก็บไว้เฉพาะไฟล์ล่าสุดของแต่ละกอง ย้ายไฟล์อื่นออกจากโฟลเดอร์ แล้วสั่งใหม่",
                       "This file repeats {value} ({detail_en}), so nothing is merged, never counting a project "
                       "twice; keep only each department's latest file, move the others out and run again"),
    "drawn-period-unclear": Code(ERROR, "{detail} จึงอ่านเป็นช่วงเวลาดำเนินการไม่ได้ ลบเส้นที่วาดแล้วใส่ / ในช่องไตรมาส "
                                        "(หรือเดือน) ที่ดำเนินการแทน",
                                 "The {detail_en}, so it cannot be read as the period; delete the drawing and put / "
                                 "in the quarter (or month) cells instead"),
    "drawing-over-counts": Code(ERROR, "มี{detail}วาดทับช่องที่นำมานับ (ไตรมาส/เดือน งบประมาณ หรือมิติ) ซึ่งโปรแกรมอ่านไม่ได้ "
                                       "ลบออก แล้วพิมพ์ข้อมูลลงในช่อง",
                                "A {detail_en} is drawn over columns that are counted (period, budget or dimension) "
                                "and cannot be read; delete it and type the data in the cells"),
    "drawing-over-table": Code(WARNING, "มี{detail}วาดทับตาราง ซึ่งโปรแกรมไม่ได้อ่าน ถ้ามีข้อมูลของโครงการ ให้พิมพ์ลงในช่อง",
                               "A {detail_en} is drawn over the table and was not read; type any project data "
                               "it holds in the cells"),
    "drawing-unread": Code(ERROR, "อ่านรูปวาดบนแผ่นงานไม่ได้: {detail}", "The sheet's drawings cannot be read: {detail_en}"),
    "province-as-input": Code(WARNING, "ไฟล์นี้เป็นสรุปของจังหวัด (ไฟล์ที่โปรแกรมสร้าง) ไม่ใช่แผนของหน่วยงาน "
                                       "จึงไม่นำมารวม",
                              "This file is a province consolidation, not an organisation's plan; it was "
                              "left out"),
    # report: the result report (รายงานผล) of a round against the plan
    "bad-amount": Code(ERROR, "จำนวนเงินในช่อง \"{column}\" คือ \"{value}\" ซึ่งไม่ถูกต้อง ใส่จำนวนเงินเป็นบาท "
                              "ตั้งแต่ 0 ขึ้นไป เช่น 10,000",
                       "The amount in '{column}' is '{value}', which is not valid; enter baht, 0 or more, "
                       "e.g. 10,000"),
    "bad-choice": Code(ERROR, "ช่อง \"{column}\" คือ \"{value}\" ซึ่งไม่อยู่ในรายการ เลือกจากลูกศร: {detail}",
                       "'{column}' is '{value}', which is not in the list; pick one from the dropdown: "
                       "{detail_en}"),
    "unknown-project": Code(ERROR, "โครงการ \"{value}\" ไม่อยู่ในแผน{detail} ใช้ชื่อโครงการตามแผน "
                                   "(โครงการที่เพิ่มระหว่างปีต้องปรับแผนก่อน)",
                            "Project '{value}' is not in the plan{detail_en}; use the plan's name (a project "
                            "added during the year needs the plan amended first)"),
    "reported-twice": Code(ERROR, "โครงการ \"{value}\" รายงานผลซ้ำกับ {detail} ลบแถวที่ซ้ำให้เหลือแถวเดียว",
                           "Project '{value}' is reported again at {detail_en}; keep one row"),
    "nothing-reported": Code(ERROR, "ยังไม่มีผลรายงานของโครงการใดเลย (ทั้ง {value} โครงการรอรายงานผล) รายงานฉบับจริงต้องมีผล "
                                    "ตรวจว่าใส่แบบรายงานที่กองกรอกแล้ว หรือเขียนเป็นฉบับร่าง (--draft) เพื่อดูก่อน",
                             "No project has a result yet (all {value} await a report); a final report needs "
                             "results: check that the filled-in forms were given, or write a draft (--draft) to look"),
    "not-reported": Code(WARNING, "ยังไม่มีการรายงานผลโครงการ \"{value}\" ({detail}) จึงนับเป็นรอรายงานผล "
                                  "ติดตามหน่วยงานที่รับผิดชอบ",
                         "Nobody reported project '{value}' ({detail_en}); it counts as awaiting a report: "
                         "ask the department"),
    "missing-reason": Code(ERROR, "สถานะเป็น \"ไม่สามารถดำเนินการได้\" แต่{detail} เลือกสาเหตุจากลูกศร "
                                  "(ถ้าเป็น อื่นๆ ให้ระบุสาเหตุ)",
                           "The status is 'could not be done' but {detail_en}; pick the reason from the "
                           "dropdown (and write it out for อื่นๆ)"),
    "disbursed-over-budget": Code(WARNING, "เบิกจ่าย {value} บาท มากกว่างบประมาณตามข้อบัญญัติ/เทศบัญญัติ {detail} บาท "
                                           "ตรวจสอบตัวเลข (ถ้ามีการโอนงบประมาณเพิ่ม ให้ระบุในหมายเหตุ)",
                                  "Disbursed {value} baht is more than the ordinance budget {detail_en} baht; check "
                                  "the figures (note a budget transfer in the remark)"),
    "money-without-budget": Code(WARNING, "โครงการนี้ในแผนไม่ใช้งบประมาณ แต่ช่อง \"{column}\" มีจำนวนเงิน {value} บาท "
                                          "ตรวจสอบว่าถูกต้อง",
                                 "The plan says this project uses no budget, but '{column}' holds {value} baht; "
                                 "check it"),
    "not-started-late": Code(WARNING, "โครงการนี้มีแผนดำเนินการในไตรมาส {detail} แต่ครบ ๖ เดือนแล้วยังไม่ได้ดำเนินการ "
                                      "ระบุเหตุผลในหมายเหตุ หรือปรับสถานะ",
                             "The project was planned for quarter {detail_en} but has not started after six "
                             "months; explain in the remark or correct the status"),
    "date-outside-round": Code(WARNING, "วันที่ \"{value}\" อยู่นอกรอบรายงาน ({detail}) ตรวจสอบวันที่ "
                                        "(ปี พ.ศ.)",
                               "The date '{value}' is outside the reporting round ({detail_en}); check it "
                               "(Buddhist-era year)"),
    "empty-problems": Code(WARNING, "ช่อง \"{column}\" ว่าง ถ้าไม่มี ให้พิมพ์คำว่า \"ไม่มี\" "
                                    "(ผู้ประเมิน ITA ต้องการเห็นทุกโครงการ)",
                           "'{column}' is empty; write 'ไม่มี' when there is none (ITA graders look for it)"),
    "report-as-input": Code(WARNING, "ไฟล์นี้เป็นรายงานผลที่โปรแกรมสร้าง ไม่ใช่แบบรายงานของกอง จึงไม่นำมารวมซ้ำ",
                            "This file is a compiled result report, not a department's form; it was left out"),
    "wrong-round": Code(ERROR, "แบบรายงานนี้เป็นของรอบ {value} เดือน ไม่ใช่รอบ {detail} เดือนที่กำลังรวม "
                               "ใช้แบบรายงานของรอบที่ถูกต้อง",
                        "This report form is for the {value}-month round, not the {detail_en}-month round "
                        "being compiled; use the right round's form"),
}


@dataclass
class Problem:
    code: str
    path: str | None = None
    sheet: str | None = None
    cell: str | None = None  # A1 address, None for a problem of the whole file
    row: int | None = None
    column: str | None = None  # the form column's key
    value: Any = None
    detail: str = ""
    detail_en: str = ""
    severity: str = field(init=False)
    message: str = field(init=False)
    message_en: str = field(init=False)

    def __post_init__(self) -> None:
        from .form import ANY_COLUMN_BY_KEY, column_names
        from .report_form import COLUMN_BY_KEY as REPORT_COLUMN_BY_KEY

        spec = CODES[self.code]
        self.severity = spec.severity
        column = self.column or ""
        if column not in ANY_COLUMN_BY_KEY and column in REPORT_COLUMN_BY_KEY:  # a result report's own column
            thai, english = REPORT_COLUMN_BY_KEY[column].header, REPORT_COLUMN_BY_KEY[column].english
        else:
            thai, english = column_names(column) if column else ("", "")
        shown = "" if self.value is None else as_typed(self.value)
        if len(shown) > 80:
            shown = shown[:77] + "..."
        words = {"value": readable(shown), "column": thai,
                 "detail": readable(self.detail), "detail_en": readable(self.detail_en or self.detail)}
        self.message = spec.thai.format(**words)
        self.message_en = spec.english.format(**{**words, "column": english})

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("detail_en")
        data.pop("path")
        if not isinstance(self.value, (str, int, float, bool, type(None))):
            data["value"] = str(self.value)
        if isinstance(data["value"], str) and len(data["value"]) > MAX_JSON_VALUE:
            data["value"] = data["value"][:MAX_JSON_VALUE] + "…"  # a 1 MB cell need not be echoed whole
        order = ("severity", "code", "sheet", "cell", "row", "column", "value", "message", "message_en", "detail")
        return {key: data[key] for key in order}


@dataclass
class FileReport:
    path: str
    projects: int | None = 0  # None: not known (the file could not be read as a plan, or was left out)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # across files

    def all_problems(self) -> list[Problem]:
        return [p for f in self.files for p in f.problems] + self.problems

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.all_problems())

    @property
    def warnings(self) -> int:
        return sum(not p.is_error for p in self.all_problems())

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data (what `--format json` prints)."""
        return {
            "ok": self.ok,
            "files": [{"path": f.path, "projects": f.projects,
                       "problems": [p.to_dict() for p in sorted(f.problems, key=_position)]}
                      for f in self.files],
            "problems": [{"path": p.path, **p.to_dict()} for p in self.problems],
            "summary": {"files": len(self.files), "projects": sum(f.projects or 0 for f in self.files),
                        "errors": self.errors, "warnings": self.warnings},
        }

    def to_json(self) -> str:
        """to_dict() as JSON text, Thai kept readable."""
        return json_text(self.to_dict())

    def to_text(self) -> str:
        lines: list[str] = []
        for f in self.files:
            count = "ไม่ทราบจำนวนโครงการ / projects unknown" if f.projects is None else f"{f.projects} โครงการ / {counted(f.projects, 'project')}"
            lines.append(f"■ {f.path} — {count}")
            if not f.problems:
                lines.append("  ✓ ไม่พบปัญหา / no problems")
            for p in sorted(f.problems, key=_position):
                lines.append(_line(p))
        if self.problems:
            lines.append("■ ปัญหาระหว่างไฟล์ / across files")
            lines.extend(_line(p) for p in self.problems)
        projects = sum(f.projects or 0 for f in self.files)  # those read; a file not read says so above
        verdict = "ผ่าน / OK" if self.ok else "ไม่ผ่าน / NOT OK"
        lines.append(f"สรุป: {len(self.files)} ไฟล์, {projects} โครงการ, ข้อผิดพลาด {self.errors}, "
                     f"คำเตือน {self.warnings} — {verdict}")
        lines.append(f"Summary: {counted(len(self.files), 'file')}, {counted(projects, 'project')}, "
                     f"{counted(self.errors, 'error')}, {counted(self.warnings, 'warning')}")
        return "\n".join(lines)


# unreadable-file's `value` is a reason word for programs (README, JSON); a person reads these.
REASON_WORDS = {
    "empty": "ไฟล์ว่าง", "corrupt": "ไฟล์เสีย", "not-a-workbook": "ไม่ใช่ไฟล์ Excel", "encrypted": "ตั้งรหัสผ่าน",
    "too-large": "ใหญ่เกิน", "zip-bomb": "ขยายตัวผิดปกติ", "sheet-too-large": "แผ่นงานใหญ่เกิน",
    "too-many-sheets": "แผ่นงานมากเกิน", "too-many-rows": "แถวมากเกิน", "limit": "เกินที่อ่านได้",
    "crashed": "อ่านแล้วโปรแกรมหยุด", "not-found": "ไม่พบไฟล์", "not-a-file": "ไม่ใช่ไฟล์",
    "internal-error": "ข้อผิดพลาดของโปรแกรม", "rows-lost": "แถวหาย", "not-a-report": "ไม่ใช่รายงานผล"}


def shown_value(code: str, value: Any) -> str:
    """A problem's value as a person reads it: what the cell holds, or a reason in Thai words, never
    a machine word."""
    if value is None:
        return ""
    if code == "unreadable-file":
        return REASON_WORDS.get(str(value), "")
    return str(value)


def counted(number: int, noun: str) -> str:
    """An English count with its noun: "1 file", "2 files" (Thai nouns have no plural)."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def as_typed(value: Any) -> str:
    """A cell's value as the clerk typed it: a date Excel made of 1/2 is shown as 1/2 (day/month, as
    Thai Windows reads it), with its year only when that is not around today's, a time as 8:30."""
    import datetime as dt

    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return f"{as_typed(value.date())} {value.hour}:{value.minute:02d}"
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        typed = f"{day.day}/{day.month}"
        return typed if abs(day.year - dt.date.today().year) <= 1 else f"{typed}/{day.year}"
    if isinstance(value, dt.time):
        return f"{value.hour}:{value.minute:02d}"
    return str(value)


def json_text(data: dict[str, Any]) -> str:
    """Every result's to_json(): its to_dict() as one JSON document, Thai kept readable."""
    return json.dumps(data, ensure_ascii=False, indent=1)


def _position(p: Problem) -> tuple:
    return (p.sheet or "", p.row or 0, p.cell or "", p.code)


def _line(p: Problem) -> str:
    mark = "✗ ผิด" if p.is_error else "! เตือน"
    where = f"[{p.sheet}!{p.cell}] " if p.cell else (f"[{p.sheet}] " if p.sheet else "")
    return f"  {mark} {where}{p.message}\n      ({p.code}) {p.message_en}"
