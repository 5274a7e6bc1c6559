# Quick start: `make demo` then `make test`. Each sets up .venv by itself.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EXAMPLE := examples/pho-thale-2566
OUT := out
MASTER := $(OUT)/pho-thale-2566-master
REPORT := $(OUT)/pho-thale-2566-report-6

.PHONY: demo test bench setup clean

$(BIN)/ita-workbook: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,web]'
	touch $@

setup: $(BIN)/ita-workbook

demo: setup
	$(BIN)/python $(EXAMPLE)/make_departments.py
	$(BIN)/ita-workbook template --config $(EXAMPLE)/plan.toml -o $(OUT)/templates --force
	@# No separate validate step: merge checks every file as validate does and prints that report once.
	@echo "merge ตรวจทุกไฟล์เหมือน validate แล้วพิมพ์ผลการตรวจก่อนรวม / merge checks every file as validate does and prints its report first"
	@# The master plan. merge exits 3 when the xlsx is written but the PDF is not (no LibreOffice):
	@# the demo still succeeds, and names only what was written.
	@status=0; $(BIN)/ita-workbook merge $(EXAMPLE)/departments --config $(EXAMPLE)/plan.toml \
		--date 2023-03-22 -o $(MASTER).xlsx --pdf || status=$$?; \
	case $$status in \
	0) echo "แผนรวม / master plan: $(MASTER).xlsx และ PDF / and its PDF: $(MASTER).pdf";; \
	3) echo "แผนรวม / master plan: $(MASTER).xlsx (ไม่ได้สร้าง PDF ดูเหตุผลด้านบน / no PDF: see why above)";; \
	*) exit $$status;; \
	esac
	@# The six-month result report: the forms, filled as the clerks would (one department never answers).
	$(BIN)/ita-workbook report-template --plan $(MASTER).xlsx --round 6 --config $(EXAMPLE)/plan.toml \
		-o $(OUT)/report-forms --force
	$(BIN)/python $(EXAMPLE)/fill_reports.py $(OUT)/report-forms $(OUT)/report-returned
	@status=0; $(BIN)/ita-workbook report $(OUT)/report-returned --plan $(MASTER).xlsx --round 6 \
		--config $(EXAMPLE)/plan.toml --date 2023-04-05 -o $(REPORT).xlsx --pdf || status=$$?; \
	case $$status in \
	0) echo "รายงานผล ๖ เดือน / 6-month report: $(REPORT).xlsx และ PDF / and its PDF: $(REPORT).pdf";; \
	3) echo "รายงานผล ๖ เดือน / 6-month report: $(REPORT).xlsx (ไม่ได้สร้าง PDF / no PDF: see why above)";; \
	*) exit $$status;; \
	esac
	@echo "หน้าเว็บ / the same in the browser: $(BIN)/ita-workbook serve --config $(EXAMPLE)/plan.toml"

test: setup
	$(BIN)/python -m pytest -q

# Tool against the calamine+xlsxwriter floor (see BENCHMARKS.md). Quicker: make bench SIZES=10,1000
SIZES ?= 10,1000,10000
bench: setup
	$(BIN)/python benchmarks/run.py --sizes $(SIZES) $(if $(RUNS),--runs $(RUNS))

clean:
	rm -rf $(OUT) .pytest_cache
