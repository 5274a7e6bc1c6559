"""Where a command's time goes: samples it with py-spy and prints the functions that hold the most
samples, inclusive (the function and what it calls) and self.

    python benchmarks/profile.py [--rate 200] [--top 40] [--grep TEXT] -- ita-workbook merge DIR -o out.xlsx

py-spy is not a dependency of the project: `pip install py-spy` in the venv first (it samples the
process from outside, so the timings are those of a normal run, unlike cProfile's).
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# "function (/long/path/site-packages/pkg/mod.py:123)" → "function (pkg/mod.py)"
_FRAME = re.compile(r" \((?:.*/(?:site-packages|src|lib/python3\.\d+)/)?(.*?)(?::\d+)?\)$")


def summarise(raw: Path, top: int, grep: str = "") -> str:
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        # py-spy's raw lines name each frame "function (path:line)"; a function counts once per sample.
        frames = [_FRAME.sub(r" (\1)", frame) for frame in stack.split(";")]
        for frame in set(frames):
            inclusive[frame] += n
        own[frames[-1]] += n
    keep = (lambda f: grep in f) if grep else (lambda f: True)
    lines = [f"{total} samples"]
    for title, counter in (("inclusive", inclusive), ("self", own)):
        lines.append(f"-- {title}")
        lines += [f"{100 * n / total:5.1f}%  {f}" for f, n in counter.most_common() if keep(f)][:top]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=int, default=200, help="samples a second")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--grep", default="", help="only functions whose name or file holds this")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not command or not Path(spy).exists():
        parser.error("give a command after --, and install py-spy (pip install py-spy)")
    if not Path(command[0]).exists() and shutil.which(command[0]) is None:
        command[0] = str(Path(sys.executable).with_name(command[0]))  # the venv's ita-workbook
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "samples.txt"
        subprocess.run([spy, "record", "-r", str(args.rate), "-f", "raw", "-o", str(raw), "--", *command],
                       stdout=subprocess.DEVNULL, check=True)
        print(summarise(raw, args.top, args.grep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
