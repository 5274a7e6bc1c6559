@echo off
rem ita-workbook in the browser: double-click this file. Keep this window open while you work;
rem close it (or press Ctrl+C) to stop, which deletes the files sent to the page.
rem A plan.toml next to this file is used as the settings; the settings page saves it there.
rem Kept ASCII with CRLF line ends: cmd.exe reads a .bat in the console code page, line by line.
chcp 65001 >nul
cd /d "%~dp0"
where py >nul 2>nul
if errorlevel 1 (
  echo The Python launcher "py" is not installed: install Python 3.11 or later from python.org, README step 1.
  pause
  exit /b 1
)
if exist plan.toml (
  py -m ita_workbook serve --config plan.toml
) else (
  py -m ita_workbook serve
)
if errorlevel 1 pause
