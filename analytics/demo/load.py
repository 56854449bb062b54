"""The seeded, realistic demo data set: `python -m analytics demo` and the app's first start.

`generate` draws about 13 months of cases and reviews ending at `end` (default: this hour, so
the demo looks live with an incomplete last day): 31 markets with their own weekends and
holidays, 17 abuse categories, six sources, five vendors (one degrading, one routed the hardest
cases), summaries in English, Russian and Kazakh, and planted incidents listed in ground truth.
`load_demo` writes the data to Parquet and loads it through the real ingest path, so the demo
exercises the same code as a customer's export. The pipeline below is one pass of array steps;
the modules named demo_* hold each step (volume, attributes, lifecycle, text, reviews, truth).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import contract, dataset, settings
from analytics.demo.cases import case_attributes
from analytics.demo.lifecycle import case_timeline, complexity
from analytics.demo.reviews import build_reviews
from analytics.demo.text import summaries
from analytics.demo.truth import ground_truth, vendor_truth
from analytics.demo.volume import case_arrivals

GROUND_TRUTH_PATH = settings.ROOT / "data" / "demo" / "ground_truth.json"
DEFAULT_CASES, DEFAULT_SEED, MONTHS = 300_000, 7, 13


@dataclass
class DemoData:
    cases: pd.DataFrame            # CASE_COLUMNS, contract order
    reviews: pd.DataFrame          # REVIEW_COLUMNS, contract order
    ground_truth: list[dict]       # planted volume incidents and emerging terms
    vendor_truth: list[dict] = field(default_factory=list)   # degrading / case-mix vendors


def demo_end(end: datetime | str | None = None) -> pd.Timestamp:
    """The end of the data as naive UTC floored to the hour; now when not given."""
    stamp = pd.Timestamp.now(tz="UTC") if end is None else pd.Timestamp(end)
    stamp = stamp.tz_convert("UTC").tz_localize(None) if stamp.tzinfo else stamp
    return stamp.floor("h")


def generate(n_cases: int = DEFAULT_CASES, *, seed: int = DEFAULT_SEED,
             end: datetime | None = None) -> DemoData:
    """Cases, reviews and ground truth; the same seed and end give the same data."""
    if n_cases < 1000:
        raise ValueError(f"n_cases must be at least 1000, got {n_cases}")
    end = demo_end(end)
    start = (end - pd.DateOffset(months=MONTHS)).floor("D")
    rng = np.random.default_rng(seed)
    arrivals = case_arrivals(rng, n_cases, start, end)
    attrs = case_attributes(rng, arrivals)
    timeline = case_timeline(rng, attrs, arrivals["created_at"].to_numpy(), start, end)
    cases = pd.concat([attrs, timeline], axis=1).assign(
        case_id=np.char.add("C-", np.char.zfill(np.arange(1, len(attrs) + 1).astype(str), 7)),
        complexity=complexity(attrs))
    cases["summary"] = summaries(rng, cases, end)
    reviews = build_reviews(rng, cases, end)
    return DemoData(canonical(cases, contract.CASE_COLUMNS), canonical(reviews, contract.REVIEW_COLUMNS),
                    ground_truth(start, end), vendor_truth(start, end))


def canonical(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """The contract's columns, in order, with plain pandas types (naive UTC datetime64[us])."""
    cast = {"timestamp": "datetime64[us]", "bool": "boolean", "int": "int64", "float": "float64"}
    frame = frame.reset_index(drop=True)
    return pd.DataFrame({c.name: frame[c.name].astype(cast.get(c.type, "str")) for c in columns})

def ground_truth_path_for(db_path=None) -> Path:
    """Where the ground truth of the demo in `db_path` lives: data/demo/ground_truth.json for the
    default demo database (ESCALATION_RADAR_DEMO_DB), `<db name>.ground_truth.json` beside any
    other (tests never clobber it)."""
    if db_path is None or Path(db_path).resolve() == settings.demo_db_path().resolve():
        return GROUND_TRUTH_PATH
    return Path(db_path).with_name(Path(db_path).stem + ".ground_truth.json")


def load_demo(db_path=None, *, n_cases: int = DEFAULT_CASES, seed: int = DEFAULT_SEED, end=None,
              progress=None) -> dict:
    """Generate the demo, load it through `analytics.ingest.ingest_file`, write the ground truth.

    `db_path` defaults to the demo's own database (ESCALATION_RADAR_DEMO_DB); a database holding
    other data is refused (analytics/dataset.py), and the one loaded is marked as the demo
    in the same transaction as its first ingest.
    Returns counts and timings: cases, reviews, generate_s, load_s, rows_rejected, ground_truth."""
    from analytics.ingest import (
        ingest_file,  # imported late: generating needs no ingest
    )

    db_path = Path(db_path) if db_path is not None else settings.demo_db_path()
    dataset.check_demo_target(db_path)

    report = progress or (lambda fraction, message: None)
    report(0.0, f"generating {n_cases:,} demo cases")
    began = time.perf_counter()
    data = generate(n_cases, seed=seed, end=end)
    generated = time.perf_counter()
    out = {"cases": len(data.cases), "reviews": len(data.reviews), "generate_s": generated - began,
           "rows_rejected": 0}
    with tempfile.TemporaryDirectory(prefix="escalation-radar-demo-") as tmp:
        for lo, hi, kind, frame in ((0.1, 0.6, "cases", data.cases), (0.6, 0.95, "reviews", data.reviews)):
            path = Path(tmp) / f"demo_{kind}.parquet"
            frame.to_parquet(path, index=False, row_group_size=122_880)
            result = ingest_file(path, kind=kind, db_path=db_path, on_stored=_mark,
                                 progress=lambda f, m, lo=lo, hi=hi: report(lo + (hi - lo) * f, m))
            out["rows_rejected"] += result.rows_rejected
    out["ground_truth"] = write_ground_truth(data, ground_truth_path_for(db_path))
    out["load_s"] = time.perf_counter() - generated
    report(1.0, "demo data loaded")
    return out


def _mark(con, report) -> None:
    dataset.mark(con)   # lands with the ingest, in its transaction


def write_ground_truth(data: DemoData, path: Path = GROUND_TRUTH_PATH) -> Path:
    """Write the ground truth to `path` and the vendor truth beside it (`…vendor_truth.json`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data.ground_truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.with_name(path.name.replace("ground_truth", "vendor_truth")).write_text(
        json.dumps(data.vendor_truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analytics demo", description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=int(settings.get("ESCALATION_RADAR_DEMO_CASES")),
                        help="how many cases to generate (default %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    parser.add_argument("--end", help="end of the data, YYYY-MM-DD or YYYY-MM-DDTHH, UTC (default: now)")
    parser.add_argument("--db", type=Path, default=None,
                        help="DuckDB file (default: ESCALATION_RADAR_DEMO_DB, the demo's own)")
    args = parser.parse_args(argv)
    end = pd.Timestamp(args.end) if args.end else None
    try:
        dataset.check_demo_target(args.db or settings.demo_db_path())
    except dataset.DemoDatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"loading the demo into {args.db or settings.demo_db_path()}", flush=True)
    result = load_demo(args.db, n_cases=args.cases, seed=args.seed, end=end,
                       progress=lambda fraction, message: print(f"[{fraction:4.0%}] {message}", flush=True))
    rate = result["cases"] / result["generate_s"]
    print(f"generated {result['cases']:,} cases and {result['reviews']:,} reviews in "
          f"{result['generate_s']:.1f} s ({rate:,.0f} cases/s); loaded in {result['load_s']:.1f} s")
    print(f"rows rejected by ingest: {result['rows_rejected']}; ground truth: {result['ground_truth']}")
    return 0
