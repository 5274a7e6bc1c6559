"""`make bench`: the tool against the bare I/O floor, at several sizes, as whole processes.

For each size (files of 10 projects each, from generate.py) it runs, alternating and in a rotating
order so that neither side always comes first after the other:

- the floor (floor.py: calamine reads every cell, xlsxwriter writes the data rows, one process),
- `ita-workbook validate FOLDER --config benchmarks/plan.toml`,
- `ita-workbook merge FOLDER -o MASTER.xlsx --config benchmarks/plan.toml`,

and takes each one's wall time (time.perf_counter around the process) and peak memory (the
process's maximum resident set, from os.wait4: no /usr/bin/time needed). It also times
`ita-workbook --help` and `--version` against `python -c "import click"`, checks that they import no
pandas/pandera/numpy, and times `validate` on the seed plan's department files.

    python benchmarks/run.py [--sizes 10,1000,10000] [--runs N]

Writes benchmarks/results/bench-<time>.json and benchmarks/results/report.md (also printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import FIRST_DATA_ROW, generate  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
PLAN = HERE / "plan.toml"
SEED_FILES = ROOT / "examples" / "pho-thale-2566" / "departments"
SEED_PLAN = ROOT / "examples" / "pho-thale-2566" / "plan.toml"
DEFAULT_RUNS = {10: 7, 1000: 5, 10000: 3}  # more runs where a run is short
HEAVY = ("pandas", "pandera", "numpy")


def tool() -> str:
    """The ita-workbook script beside this Python (the venv's), else the module."""
    script = Path(sys.executable).with_name("ita-workbook")
    return str(script) if script.exists() else f"{sys.executable} -m ita_workbook"


# Children run as a user's would: with Python's bytecode cache (a shell that sets
# PYTHONDONTWRITEBYTECODE would have every run compile the package again).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(argv: list[str], expect: tuple[int, ...] = (0,), env: dict | None = None) -> dict:
    """Run one process to its end: wall seconds, CPU seconds and peak resident memory (MB)."""
    with tempfile.TemporaryFile() as stderr:  # a file, not a pipe: a chatty child never blocks
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr, cwd=ROOT,
                                env={**CHILD_ENV, **(env or {})})
        # wait4 reports this child's own peak memory; RUSAGE_CHILDREN would keep the largest so far.
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in expect:
            stderr.seek(0)
            said = stderr.read().decode(errors="replace")[-2000:]
            raise SystemExit(f"{' '.join(argv)} exited {code}:\n{said}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def summary(samples: list[dict]) -> dict:
    walls = [s["wall"] for s in samples]
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu": statistics.median(s["cpu"] for s in samples),
            "rss_mb": max(s["rss_mb"] for s in samples), "runs": len(samples), "samples": samples}


def alternate(commands: dict[str, list[str]], runs: int, envs: dict[str, dict] | None = None) -> dict[str, dict]:
    """Each command `runs` times, interleaved, the order rotating from one round to the next.
    Each command's "pair_ratio" is the median over the rounds of its time / the first command's
    time in the same round: a busy spell slows both sides of a pair, so it moves that least."""
    names = list(commands)
    samples: dict[str, list[dict]] = {name: [] for name in names}
    for i in range(runs):
        for name in names[i % len(names):] + names[:i % len(names)]:
            samples[name].append(measure(commands[name], env=(envs or {}).get(name)))
    results = {name: summary(found) for name, found in samples.items()}
    base = samples[names[0]]
    for name in names[1:]:
        results[name]["pair_ratio"] = statistics.median(s["wall"] / b["wall"] for s, b in zip(samples[name], base))
        results[name]["pair_cpu_ratio"] = statistics.median(s["cpu"] / b["cpu"] for s, b in zip(samples[name], base))
    return results


def imports_of(argv: list[str]) -> list[str]:
    """The heavy packages a command imports (python -X importtime lists every import)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *argv], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    names = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    return sorted(names & set(HEAVY))


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    versions = {}
    for package in ("python-calamine", "xlsxwriter", "pandas", "pandera", "click", "pythainlp"):
        try:
            from importlib.metadata import version
            versions[package] = version(package)
        except Exception:  # noqa: BLE001 - a missing package is just not listed
            pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}", "packages": versions,
            "load_at_start": os.getloadavg()}


def warm(folder: Path) -> None:
    """Read every file once, so that no side pays for the disk and all read from the page cache."""
    for path in folder.iterdir():
        path.read_bytes()


def bench_size(size: int, runs: int, out: Path, before: str | None = None) -> dict:
    began = time.perf_counter()
    folder = generate(size)
    generated = time.perf_counter() - began
    warm(folder)
    exe = tool().split()
    load = os.getloadavg()
    commands = {
        "floor": [sys.executable, str(HERE / "floor.py"), str(folder), str(out / f"floor-{size}.xlsx"),
                  str(FIRST_DATA_ROW)],
        "validate": [*exe, "validate", str(folder), "--config", str(PLAN)],
        "merge": [*exe, "merge", str(folder), "-o", str(out / f"master-{size}.xlsx"), "--config", str(PLAN),
                  "--date", "2023-03-22"],
    }
    if before:
        commands["validate before"] = [sys.executable, "-m", "ita_workbook", *commands["validate"][len(exe):]]
        commands["merge before"] = [sys.executable, "-m", "ita_workbook", *commands["merge"][len(exe):]]
    results = alternate(commands, runs, {name: {"PYTHONPATH": before} for name in ("validate before", "merge before")}
                        if before else None)
    floor = results["floor"]
    for name in ("validate", "merge"):
        results[name]["ratio"] = results[name]["median"] / floor["median"]
        # The machine may be shared: CPU time (user+sys) is what another process cannot inflate much.
        results[name]["cpu_ratio"] = results[name]["cpu"] / floor["cpu"]
    return {"files": size, "projects": size * 10, "generate_s": generated, "load_before": load,
            "load_after": os.getloadavg(), **results}


def bench_startup(runs: int) -> dict:
    exe = tool().split()
    results = alternate({
        "import click": [sys.executable, "-c", "import click"],
        "--help": [*exe, "--help"],
        "--version": [*exe, "--version"],
    }, runs)
    base = results["import click"]["median"]
    for name in ("--help", "--version"):
        results[name]["ratio"] = results[name]["median"] / base
        results[name]["heavy_imports"] = imports_of(["-m", "ita_workbook", name])
    return results


def bench_seed(runs: int) -> dict:
    files = sorted(str(p) for p in SEED_FILES.glob("*.xlsx"))
    result = alternate({"validate": [*tool().split(), "validate", *files, "--config", str(SEED_PLAN)]}, runs)
    return {"files": len(files), **result["validate"]}


def bench_example(runs: int, out: Path, before: str | None = None) -> dict:
    """The example plan (7 department files, 41 projects): its merge and its templates against the
    floor over the same 7 files; with `before` (another checkout's src/), the same commands from it."""
    exe = tool().split()
    config = ["--config", str(SEED_PLAN)]
    commands = {
        "floor": [sys.executable, str(HERE / "floor.py"), str(SEED_FILES), str(out / "floor-example.xlsx")],
        "merge": [*exe, "merge", str(SEED_FILES), "-o", str(out / "master-example.xlsx"), *config,
                  "--date", "2023-03-22"],
        "template": [*exe, "template", *config, "-o", str(out / "templates"), "--force"],
        # The floor plus importing what any merge must (issue 14's goal for the example: ≤ 1.5 × this).
        "floor + imports": [sys.executable, "-c", "import sys, runpy, click, pandera.pandas, python_calamine, "
                            f"xlsxwriter; sys.argv = ['floor.py', {str(SEED_FILES)!r}, "
                            f"{str(out / 'floor-example.xlsx')!r}]; runpy.run_path({str(HERE / 'floor.py')!r}, "
                            "run_name='__main__')"],
    }
    envs = {}
    if before:
        module = [sys.executable, "-m", "ita_workbook"]
        commands["merge before"] = [*module, *commands["merge"][len(exe):]]
        commands["template before"] = [*module, *commands["template"][len(exe):]]
        envs = {name: {"PYTHONPATH": before} for name in ("merge before", "template before")}
    results = alternate(commands, runs, envs)
    with_imports = [s["wall"] for s in results["floor + imports"]["samples"]]
    for name in ("merge", "merge before"):
        if name in results:
            results[name]["to_floor_with_imports"] = statistics.median(
                s["wall"] / f for s, f in zip(results[name]["samples"], with_imports))
    return results


def report(data: dict) -> str:
    m = data["machine"]
    lines = [f"Run {data['started']} on {m['cpu']}, {m['cores']} cores, {m['memory_mb'] / 1024:.0f} GB, "
             f"{m['system']}, Python {m['python']}; "
             + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + ".",
             f"Load average at the start: {', '.join(f'{x:.2f}' for x in m['load_at_start'])}.", "",
             "Wall time, median of the runs (s), the ratio tool / floor, and peak memory (MB):", "",
             "| files | projects | runs | floor s | validate s | merge s | validate / floor | merge / floor "
             "| floor MB | validate MB | merge MB |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size in data["sizes"]:
        f, v, g = size["floor"], size["validate"], size["merge"]
        lines.append(f"| {size['files']:,} | {size['projects']:,} | {f['runs']} | {f['median']:.2f} | "
                     f"{v['median']:.2f} | {g['median']:.2f} | **{v['ratio']:.2f} ×** | **{g['ratio']:.2f} ×** | "
                     f"{f['rss_mb']:.0f} | {v['rss_mb']:.0f} | {g['rss_mb']:.0f} |")
    lines += ["", "CPU time (user+sys, median s) and its ratio, which load from other processes inflates less:", "",
              "| files | floor CPU | validate CPU | merge CPU | validate / floor | merge / floor |",
              "|---:|---:|---:|---:|---:|---:|"]
    for size in data["sizes"]:
        f, v, g = size["floor"], size["validate"], size["merge"]
        lines.append(f"| {size['files']:,} | {f['cpu']:.2f} | {v['cpu']:.2f} | {g['cpu']:.2f} | "
                     f"{v['cpu_ratio']:.2f} × | {g['cpu_ratio']:.2f} × |")
    sizes = data["sizes"]
    if len(sizes) > 1:
        lines += ["", "Memory growth between sizes, MB per 1,000 projects (linear if it stays flat):", ""]
        for a, b in zip(sizes, sizes[1:]):
            slope = {name: (b[name]["rss_mb"] - a[name]["rss_mb"]) / (b["projects"] - a["projects"]) * 1000
                     for name in ("floor", "validate", "merge")}
            lines.append(f"- {a['files']:,} → {b['files']:,} files: "
                         + ", ".join(f"{name} {value:.1f}" for name, value in slope.items()))
    lines += ["", "Spread (min–max s) and CPU (user+sys, median s):", ""]
    for size in data["sizes"]:
        parts = [f"{name} {size[name]['min']:.2f}–{size[name]['max']:.2f} (CPU {size[name]['cpu']:.2f})"
                 for name in ("floor", "validate", "merge")]
        lines.append(f"- {size['files']:,} files: " + "; ".join(parts)
                     + f"; load {size['load_before'][0]:.2f} → {size['load_after'][0]:.2f}")
    if "startup" in data:
        s = data["startup"]
        lines += ["", "| command | median s | ratio to `import click` | pandas/pandera/numpy imported |",
                  "|---|---:|---:|---|",
                  f"| `python -c \"import click\"` | {s['import click']['median']:.3f} | 1 | |"]
        for name in ("--help", "--version"):
            lines.append(f"| `ita-workbook {name}` | {s[name]['median']:.3f} | {s[name]['ratio']:.2f} × | "
                         f"{', '.join(s[name]['heavy_imports']) or 'none'} |")
    if data.get("example"):
        ex = data["example"]
        lines += ["", "The example plan (7 department files): wall s (median), median of per-round ratios to the "
                  "floor over the same files, wall and CPU, and peak MB:", "",
                  "| command | wall s | × floor (pairs) | CPU × floor (pairs) | MB |", "|---|---:|---:|---:|---:|",
                  f"| floor | {ex['floor']['median']:.2f} | 1 | 1 | {ex['floor']['rss_mb']:.0f} |"]
        for name in list(ex)[1:]:
            r = ex[name]
            lines.append(f"| {name} | {r['median']:.2f} | **{r['pair_ratio']:.2f} ×** | {r['pair_cpu_ratio']:.2f} × "
                         f"| {r['rss_mb']:.0f} |")
        lines += [f"\n{name} ÷ (floor + imports), median of per-round ratios: {ex[name]['to_floor_with_imports']:.2f} ×"
                  for name in ("merge", "merge before") if name in ex]
    if data["sizes"]:
        lines += ["", "Median of per-round ratios to the floor (wall; CPU):", ""]
        for size in data["sizes"]:
            lines.append(f"- {size['files']:,} files: " + "; ".join(
                f"{name} {size[name]['pair_ratio']:.2f} × ({size[name]['pair_cpu_ratio']:.2f} ×)"
                for name in size if isinstance(size[name], dict) and "pair_ratio" in size[name]))
    if "seed" in data:
        seed = data["seed"]
        lines += ["", f"Seed plan: `ita-workbook validate` of its {seed['files']} department files: "
                  f"median {seed['median']:.2f} s (min {seed['min']:.2f}, max {seed['max']:.2f}, {seed['runs']} runs), "
                  f"peak {seed['rss_mb']:.0f} MB."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,1000,10000", help="numbers of department files, comma-separated")
    parser.add_argument("--runs", type=int, help="runs of each command per size (default: 7 / 5 / 3 by size)")
    parser.add_argument("--before", metavar="SRC", help="also run merge and template of the example, and merge "
                        "at each size, from this src/ folder (another checkout), for before/after ratios")
    parser.add_argument("--only-example", action="store_true", help="skip the startup and seed-validate timings")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    out = RESULTS / "out"
    out.mkdir(parents=True, exist_ok=True)
    data = {"started": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "machine": machine()}
    if not args.only_example:
        print(f"startup and seed ({args.runs or 15} runs)…", flush=True)
        data["startup"] = bench_startup(args.runs or 15)
        data["seed"] = bench_seed(args.runs or 9)
    print(f"the example ({args.runs or 9} runs)…", flush=True)
    data["example"] = bench_example(args.runs or 9, out, args.before)
    data["sizes"] = []
    for size in sizes:
        runs = args.runs or DEFAULT_RUNS.get(size, 3)
        print(f"{size:,} files, {runs} runs of each…", flush=True)
        data["sizes"].append(bench_size(size, runs, out, args.before))
    text = report(data)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False))
    (RESULTS / "report.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
