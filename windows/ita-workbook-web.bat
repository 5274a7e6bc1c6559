@echo off
rem ita-workbook in the browser: double-click this file. Keep this window open while you work;
rem close it (or press Ctrl+C) to stop, which deletes the files sent to the page.
rem A plan.toml next to this file is used as the settings; the settings page saves it there.
chcp 65001 >nul
cd /d "%~dp0"
if exist plan.toml (
  py -m ita_workbook serve --config plan.toml
) else (
  py -m ita_workbook serve
)
if errorlevel 1 pause
