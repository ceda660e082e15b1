"""Run every benchmark (`bench/*_bench.py`), each in its own process; they print their figures.
Copy the figures into bench/RESULTS.md with the date and machine they print.

    python -m bench.run [NAME ...]     # e.g. python -m bench.run etl
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in HERE.glob("*_bench.py"))
    chosen = [n for n in names if not argv or any(n.startswith(a) for a in argv)]
    failed = []
    for name in chosen:
        print(f"\n== {name} ==", flush=True)
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent).returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
