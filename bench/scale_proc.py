"""Child processes for the scale benchmark: wall time, exit status and peak resident memory.

Each measured step that must start cold (an ingest, DuckDB's own load, an AppTest page) runs in
a fresh Python process; `os.wait4` gives that child's peak RSS (ru_maxrss), which RUSAGE_CHILDREN
would mix with every other child's. Caveat: Linux carries ru_maxrss across fork and exec, so it is
at least the parent's RSS at the fork; children that can report VmHWM of their own (AppTest pages)
do, and the ingest part runs first, while this process is still small.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# the code measured: this checkout, or a snapshot of it (scale.py --code DIR sets SCALE_CODE)
ROOT = Path(os.environ.get("SCALE_CODE") or Path(__file__).resolve().parent.parent)


@dataclass
class ChildRun:
    seconds: float
    peak_rss_mb: float
    output: str
    cpu_s: float = float("nan")   # user + system CPU of the child: less inflated by load than wall time

    def last_json(self) -> dict:
        """The last line of the child's output that is a JSON object."""
        for line in reversed(self.output.splitlines()):
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError(f"child printed no JSON result:\n{self.output[-3000:]}")


def run_child(args: list[str], env: dict | None = None) -> ChildRun:
    """Run `python ARGS...` from the repository root; raise with its output if it fails."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen([sys.executable, *args], cwd=ROOT,
                                   env=os.environ | {"PYTHONPATH": str(ROOT)} | (env or {}),
                                   stdout=log, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        log.seek(0)
        output = log.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"python {' '.join(args)} failed:\n{output[-3000:]}")
    return ChildRun(seconds, usage.ru_maxrss / 1024, output, usage.ru_utime + usage.ru_stime)


def vm_hwm_mb(pid: int) -> float:
    """Peak resident set of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def median(values) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def fresh(path: Path) -> Path:
    """`path` with no database file (or its WAL, lock and scratch copies) left from before."""
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    return path


def load_line() -> str:
    return Path("/proc/loadavg").read_text().strip()
