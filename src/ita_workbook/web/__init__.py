"""The yearly round as a page in the browser, served by `ita-workbook serve` on this computer.

Needs the optional extra: `pip install "ita-workbook[web]"` (Starlette, uvicorn, Jinja2,
python-multipart). `guard` checks every request, `app` holds the routes (`report` those of the result
report, `helpers` what they share), `workspace` a browser tab's files, `server` the command.
"""
