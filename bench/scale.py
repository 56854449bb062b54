"""The scale benchmark of issue 7: ingest, pages, marts, detection, memory and the pandas
side-by-side at 1M / 10M / 50M cases (N/5 reviews), medians of --runs, as a Markdown table.

    python bench/scale.py --sizes 1m,10m,50m --runs 3 --work /tmp/scale
    python bench/scale.py --sizes 10m --parts marts,detection --runs 3   # reuse the loaded DB
    python bench/scale.py --sizes 1m --code /tmp/head   # a snapshot: git archive HEAD | tar -x -C /tmp/head

Input files are the demo generator, scaled (bench/scale_data.py), cached under --work/data.
Parts: ingest (bench/scale_ingest.py), pages and browser (bench/scale_pages.py,
bench/scale_browser.py), marts, detection and overview (bench/scale_queries.py). Above 10M only
ingest and marts run, as the issue asks. Without the ingest part, the database loaded by an
earlier run (--work/loaded_N.duckdb) is reused. The table goes to stdout and to --out, with the
command line, date, core count and the load average at start and end; EXPLAIN ANALYZE of the
three slowest marts goes to --work/explain_<mart>_<N>.txt.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

import scale_proc  # noqa: E402
from scale_data import ScaleFiles, ensure_files, parse_size  # noqa: E402
from scale_proc import load_line  # noqa: E402

PARTS = ("ingest", "pages", "browser", "marts", "detection", "overview")
LARGE_PARTS = ("ingest", "marts")
LARGE = 10_000_000


@dataclass
class Results:
    """The rows of one size's table, and the peak memory seen per process kind."""
    rows: list[tuple] = field(default_factory=list)
    peaks: dict[str, float] = field(default_factory=dict)

    def add(self, section: str, item: str, seconds: float | None, detail: str = "", *,
            target: str = "", ok: bool | None = None) -> None:
        self.rows.append((section, item, seconds, detail, target, ok))

    def peak(self, process: str, mb: float) -> None:
        self.peaks[process] = max(self.peaks.get(process, 0.0), mb)

    def markdown(self, label: str) -> str:
        lines = [f"### {label}", "", "| part | item | median s | detail | target | met |",
                 "| --- | --- | ---: | --- | --- | --- |"]
        for section, item, seconds, detail, target, ok in self.rows:
            shown = "—" if seconds is None else f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"
            met = "" if ok is None else ("yes" if ok else "**no**")
            lines.append(f"| {section} | {item} | {shown} | {detail} | {target} | {met} |")
        for process, mb in self.peaks.items():
            lines.append(f"| 5 memory | peak RSS, {process} | — | {mb:,.0f} MB | ≤ 4 GB | "
                         f"{'yes' if mb <= 4096 else '**no**'} |")
        return "\n".join(lines)


def code_description(root: Path) -> str:
    """Which code ran: the checkout's commit and whether it had uncommitted changes."""
    import subprocess
    def git(*args):
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""
    if (root / "SNAPSHOT").exists():   # a snapshot folder says what it was made from
        return f"{root}: {(root / 'SNAPSHOT').read_text().strip()}"
    head = git("log", "-1", "--format=%h %s")
    if not head:
        return f"{root} (not a git checkout)"
    changed = len(git("status", "--porcelain", "--untracked-files=no").splitlines())
    return f"{root} at {head}" + (f" plus {changed} uncommitted changed files" if changed else "")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _run_part(name: str, fn, results: Results) -> None:
    started = time.perf_counter()
    log(f"- {name} ({load_line()})")
    try:
        fn()
    except Exception as exc:   # product code may be mid-change: record it and go on
        traceback.print_exc()
        results.add(name, "part failed", None, f"{type(exc).__name__}: {str(exc)[:300]}".replace("\n", " "))
    log(f"  {name} took {time.perf_counter() - started:.0f} s")


def measure_size(n: int, args, save=lambda results: None) -> Results:
    files = ScaleFiles(n, args.work / "data")
    ensure_files(files, log)
    results = Results()
    work = args.work / f"n{n}"
    work.mkdir(parents=True, exist_ok=True)
    loaded = work / f"loaded_{n}.duckdb"
    parts = [p for p in args.parts if n <= LARGE or p in LARGE_PARTS]
    state = {"loaded": loaded}

    def ingest_part():
        from scale_ingest import measure_ingest
        state["loaded"] = measure_ingest(files, work, args.ingest_runs or args.runs, results, log,
                                         tuple(args.formats.split(",")))

    def marts_part():
        from scale_queries import explain_slowest, measure_marts
        times = measure_marts(state["loaded"], args.runs, results, log)
        for path in explain_slowest(state["loaded"], times, work, n):
            log(f"  wrote {path}")

    steps = {
        "ingest": ingest_part,
        "pages": lambda: __import__("scale_pages").measure_pages(state["loaded"], args.runs, results, log),
        "browser": lambda: __import__("scale_browser").measure_browser(state["loaded"], args.runs, results, log),
        "marts": marts_part,
        "detection": lambda: __import__("scale_queries").measure_detection(state["loaded"], args.runs, results, log),
        "overview": lambda: __import__("scale_queries").measure_overview_side_by_side(
            state["loaded"], files.path("cases", "parquet"), args.runs, results, log),
    }
    for part in parts:
        if part != "ingest" and not state["loaded"].exists():
            results.add(part, "skipped", None, f"no loaded database at {state['loaded']}")
            continue
        _run_part(part, steps[part], results)
        save(results)   # a long run interrupted later still leaves every finished part
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1m", help="comma-separated case counts: 1m,10m,50m")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (medians)")
    parser.add_argument("--ingest-runs", type=int, default=None,
                        help="runs per ingest figure (default --runs; a 10M ingest takes minutes)")
    parser.add_argument("--formats", default="csv,parquet",
                        help="formats of the empty-database ingest; the last one is kept as the loaded DB")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scale"))
    parser.add_argument("--out", type=Path, default=None, help="default: WORK/results.md")
    parser.add_argument("--code", type=Path, default=None,
                        help="measure the code in this folder (e.g. `git archive HEAD` unpacked) "
                             "instead of this checkout")
    parser.add_argument("--parts", default=",".join(PARTS), help=f"any of {','.join(PARTS)}")
    args = parser.parse_args(argv)
    args.parts = [p for p in args.parts.split(",") if p]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {sorted(unknown)}")
    args.out = args.out or args.work / "results.md"
    if args.code:   # before any product module is imported
        os.environ["SCALE_CODE"] = str(args.code.resolve())
        scale_proc.ROOT = args.code.resolve()
        sys.path.insert(0, str(scale_proc.ROOT))
    command = "python bench/scale.py " + " ".join(sys.argv[1:] if argv is None else argv)
    header = [f"## Scale benchmark, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC", "",
              f"Command: `{command}`", "",
              f"Code measured: {code_description(scale_proc.ROOT)}", "",
              f"Cores: {os.cpu_count()}; load average at start: {load_line()}", ""]
    log("\n".join(header))
    tables = []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for size in args.sizes.split(","):
        n = parse_size(size)

        def save(results, n=n):
            table = results.markdown(f"{n:,} cases, {n // 5:,} reviews (load now: {load_line()})")
            args.out.write_text("\n".join(header) + "\n" + "\n\n".join(tables + [table]) + "\n")
        results = measure_size(n, args, save)
        tables.append(results.markdown(f"{n:,} cases, {n // 5:,} reviews (load at end: {load_line()})"))
        args.out.write_text("\n".join(header) + "\n" + "\n\n".join(tables) + "\n")
    text = "\n".join(header) + "\n" + "\n\n".join(tables) + f"\n\nLoad average at end: {load_line()}\n"
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
