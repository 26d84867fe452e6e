"""Run every benchmark under bench/, one after the other, and fail if any of them fails.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/run.py --smoke

The arguments are passed to every script: `--smoke` runs each at a scale that takes seconds
(CI runs `make bench BENCH_ARGS=--smoke` in its PostgreSQL pass). Each script's output is
streamed as it comes; at the end, one line per script with its exit status and wall time.
Timings are printed, never judged: only a script's own failure (an exception, a wrong
result) fails the run. Helpers (names starting with "_") and this file are not benchmarks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._harness import is_postgres  # noqa: E402


def benchmarks() -> list[Path]:
    return sorted(p for p in HERE.glob("*.py") if not p.name.startswith("_") and p.name != Path(__file__).name)


def run(script: Path, args: list[str]) -> tuple[int, float]:
    """The script's exit status (negative: killed by that signal) and its wall-clock seconds."""
    print(f"\n==> {script.relative_to(HERE.parent)} {' '.join(args)}".rstrip(), flush=True)
    began = time.perf_counter()
    # Unbuffered, so that a piped log (CI) shows each line when it is printed, in order with stderr.
    status = subprocess.run([sys.executable, str(script), *args], cwd=HERE.parent,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}).returncode
    return status, time.perf_counter() - began


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not is_postgres(url):
        found = f"is {url.split(':', 1)[0]}:" if url else "is not set"  # the scheme only: no password in logs
        print(f"bench/run.py: the benchmarks need PostgreSQL, and DATABASE_URL {found}. Set it to a server "
              "they may create scratch databases on, e.g.\n"
              "    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres make bench BENCH_ARGS=--smoke",
              file=sys.stderr)
        return 2
    args = sys.argv[1:]
    if not benchmarks():
        print(f"bench/run.py: no benchmarks found in {HERE}", file=sys.stderr)
        return 2
    results = [(script, *run(script, args)) for script in benchmarks()]
    print("\n==> benchmarks")
    for script, status, seconds in results:
        verdict = "ok" if status == 0 else f"FAILED (exit status {status})"
        print(f"{script.name:20s} {verdict:28s} {seconds:7.1f} s")
    failed = [script.name for script, status, _ in results if status != 0]
    print(f"{len(results) - len(failed)} of {len(results)} passed in {sum(s for *_, s in results):.0f} s"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
