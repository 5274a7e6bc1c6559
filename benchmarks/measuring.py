"""How long measuring text alone takes (row heights: `xlsx_style.Columns.line_count` and `wrap`), and
whether two versions of the code give the same answers.

    python benchmarks/measuring.py record DIR --config PLAN.toml [--calls FILE]
    python benchmarks/measuring.py replay [--calls FILE] [--runs 3] [--before OTHER/src]

`record` merges DIR in this process (into a temporary file) and keeps every text the master measured,
in order, with its column, size, weight and font: the calls of one whole merge (default file:
benchmarks/data/measuring-calls.pickle, next to the generated workbooks, not committed).
`replay` answers those calls again in fresh processes, alternating this checkout's `src/` with
`--before`'s, and prints each one's CPU seconds (median of the runs) and whether the two gave the same
line counts and lines for every call.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
CALLS = HERE / "data" / "measuring-calls.pickle"


def record(folder: Path, config: Path, calls_path: Path) -> int:
    from ita_workbook import xlsx_style
    from ita_workbook.cli import main

    calls: list[tuple] = []
    count, wrap = xlsx_style.Columns.line_count, xlsx_style.Columns.wrap

    def recorded(kind, real):
        def method(self, text, width, size=xlsx_style.FONT_SIZE, bold=False):
            metrics = xlsx_style._METRICS.get()
            calls.append((kind, self.per_width, self.padding, metrics.scale, metrics.pitch, text, width, size, bold))
            return real(self, text, width, size, bold)
        return method

    xlsx_style.Columns.line_count = recorded("count", count)
    xlsx_style.Columns.wrap = recorded("wrap", wrap)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            main(["merge", str(folder), "-o", str(Path(tmp) / "master.xlsx"), "--config", str(config)],
                 standalone_mode=False)
        except SystemExit as done:  # the merge's exit status; its calls are what is wanted
            print(f"merge exited with {done.code}", file=sys.stderr)
        finally:
            xlsx_style.Columns.line_count, xlsx_style.Columns.wrap = count, wrap
    calls_path.parent.mkdir(parents=True, exist_ok=True)
    calls_path.write_bytes(pickle.dumps(calls))
    texts = {c[5] for c in calls}
    print(f"{len(calls):,} calls, {len(texts):,} different texts → {calls_path}", file=sys.stderr)
    return 0


# Run in a child with the `src/` under test first on its path: answers every call, prints the CPU
# seconds that took and a digest of the answers, and writes the answers to the file given.
_REPLAY = """
import pickle, sys, time
calls = pickle.loads(open(sys.argv[1], "rb").read())
from ita_workbook import xlsx_style
made = {}
answers = []
start = time.process_time()
for kind, per_width, padding, scale, pitch, text, width, size, bold in calls:
    columns = made.get((per_width, padding)) or made.setdefault((per_width, padding), xlsx_style.Columns(per_width, padding))
    token = xlsx_style._METRICS.set(xlsx_style.FontMetrics(scale, pitch))
    answers.append((columns.line_count if kind == "count" else columns.wrap)(text, width, size, bold))
    xlsx_style._METRICS.reset(token)
import resource
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, time.process_time() - start)
open(sys.argv[2], "wb").write(pickle.dumps(answers))
"""


def _replay_once(src: Path, calls_path: Path, answers_path: Path) -> tuple[float, float]:
    """CPU seconds of the answers, and the child's peak memory (MB, the calls themselves included)."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", _REPLAY, str(calls_path), str(answers_path)], env=env,
                          capture_output=True, text=True, check=True)
    memory, seconds = map(float, done.stdout.split()[-2:])
    return seconds, memory


def replay(calls_path: Path, runs: int, before: Path | None) -> int:
    versions = {"after": SRC, **({"before": before} if before else {})}
    seconds: dict[str, list[float]] = {name: [] for name in versions}
    memory: dict[str, float] = {}
    digests: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            order = list(versions) if run % 2 == 0 else list(reversed(versions))
            for name in order:
                answers = Path(tmp) / f"{name}.pickle"
                cpu, memory[name] = _replay_once(versions[name], calls_path, answers)
                seconds[name].append(cpu)
                digests[name] = hashlib.sha256(answers.read_bytes()).hexdigest()
        if before:
            after_answers = pickle.loads((Path(tmp) / "after.pickle").read_bytes())
            before_answers = pickle.loads((Path(tmp) / "before.pickle").read_bytes())
    calls = pickle.loads(calls_path.read_bytes())
    print(f"{len(calls):,} calls, {runs} runs each; load average {os.getloadavg()[0]:.1f}")
    for name, values in seconds.items():
        print(f"{name:6}  CPU median {statistics.median(values):.3f} s  (all: {', '.join(f'{v:.3f}' for v in values)}); "
              f"peak {memory[name]:.0f} MB")
    if before:
        differ = [i for i, (a, b) in enumerate(zip(after_answers, before_answers)) if a != b]
        print(f"after ÷ before: {statistics.median(seconds['after']) / statistics.median(seconds['before']):.2f}; "
              f"answers {'identical' if not differ else f'DIFFER in {len(differ):,} calls'}")
        for i in differ[:10]:
            print("  ", calls[i], before_answers[i], "→", after_answers[i])
        return 1 if differ else 0
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record")
    rec.add_argument("folder", type=Path)
    rec.add_argument("--config", type=Path, required=True)
    rec.add_argument("--calls", type=Path, default=CALLS)
    rep = commands.add_parser("replay")
    rep.add_argument("--calls", type=Path, default=CALLS)
    rep.add_argument("--runs", type=int, default=3)
    rep.add_argument("--before", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        return record(args.folder, args.config, args.calls)
    return replay(args.calls, args.runs, args.before)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
