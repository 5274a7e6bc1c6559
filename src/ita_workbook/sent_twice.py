"""Files sent twice: one department's plan in two files, or the same projects in two files, is an
error naming the files, so that nothing is merged twice.

What clerks do: the browser saves a second download as `กองคลัง (1).xlsx`; a department sends a
revised copy under another name and the first stays in the folder; a file is copied to be marked up.
Two files are the same department's when
- the template's hidden sheet (form.METADATA_SHEET) names the same department in both, or
- (a file without one) more than half of its projects name the same department as another file's;
and two files hold the same projects when at least half of the smaller file's projects (name and
department) are in the other. Files are grouped by either: each file of a group is named with the
others. A project row shared by more than SHARED_ROW_FILES files is the template's own example, not
a copy, and is left out of the comparison (it would make the pairs quadratic in the files).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from .problems import Problem, Report

SHARED_ROW_FILES = 100


def files_sent_twice(rows, report: Report, metadata: dict[str, dict[str, str]], match_department) -> None:
    """Adds a `sent-twice` error to each file of `report` that repeats another. `rows`: the rows read
    (validate._Row: `.raw.path`, `.values["department"]` as matched, `.name_key`); `match_department`:
    text → the configured department it names, or None."""
    paths = [f.path for f in report.files]
    if len(paths) < 2:
        return
    by_file: dict[str, list] = defaultdict(list)
    for row in rows:
        by_file[row.raw.path].append(row)

    parent = {path: path for path in paths}

    def root(path: str) -> str:
        while parent[path] != path:
            parent[path] = parent[parent[path]]
            path = parent[path]
        return path

    def join(a: str, b: str) -> None:
        parent[root(b)] = root(a)

    # The same department: from the template, else from the projects.
    departments: dict[str, str] = {}
    for path in paths:
        named = (metadata.get(path) or {}).get("department", "").strip()
        if named:
            departments[path] = match_department(named) or named
            continue
        counted = Counter(department for row in by_file[path]
                          if isinstance(department := row.values.get("department"), str) and "/" not in department
                          and match_department(department))
        if counted:
            department, count = counted.most_common(1)[0]
            if count * 2 > len(by_file[path]):
                departments[path] = department
    first_of: dict[str, str] = {}
    for path in paths:
        if (department := departments.get(path)) is not None:
            if department in first_of:
                join(first_of[department], path)
            else:
                first_of[department] = path

    # The same projects.
    signatures = {path: {(row.name_key, row.values.get("department")) for row in by_file[path] if row.name_key}
                  for path in paths}
    holders: dict[tuple, list[str]] = defaultdict(list)
    for path in paths:
        for signature in signatures[path]:
            holders[signature].append(path)
    shared: Counter = Counter()
    for files in holders.values():
        if 1 < len(files) <= SHARED_ROW_FILES:
            for i, a in enumerate(files):
                for b in files[i + 1:]:
                    shared[(a, b)] += 1
    same_rows: dict[str, int] = {}
    for (a, b), count in shared.items():
        if count * 2 >= min(len(signatures[a]), len(signatures[b])):
            join(a, b)
            same_rows[a] = max(same_rows.get(a, 0), count)
            same_rows[b] = max(same_rows.get(b, 0), count)
    # A file copied many times over: its projects are all the template's example by the rule above.
    whole: dict[frozenset, str] = {}
    for path in paths:
        if signatures[path]:
            key = frozenset(signatures[path])
            if key in whole:
                join(whole[key], path)
                same_rows[path] = same_rows[whole[key]] = len(key)
            else:
                whole[key] = path

    groups: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        groups[root(path)].append(path)
    for file in report.files:
        group = groups[root(file.path)]
        if len(group) < 2:
            continue
        others = [Path(p).name for p in group if p != file.path]
        department = departments.get(file.path)
        if department and all(departments.get(p) == department for p in group):
            detail, detail_en = f"เป็นแผนของ{department}เหมือนกัน", f"both are the plan of {department}"
        else:
            count = same_rows.get(file.path, 0)
            detail, detail_en = f"มีโครงการเดียวกัน {count} โครงการ", f"{count} of the same projects"
        file.problems.insert(0, Problem("sent-twice", file.path, value=", ".join(others), detail=detail,
                                        detail_en=detail_en))
