"""Queries at scale, in this process on the loaded database: every mart (the parameters of
tests/sql/test_marts.py DEFAULT_PARAMS), spike and trend detection over all daily series, and the
Overview page's numbers the straightforward way (pandas on the raw Parquet) against ours (its
marts through the app's data seam, ui/data.py, cache cleared first).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pandas as pd
from scale_proc import ROOT, median

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from analytics import db  # noqa: E402


def _timed(fn, runs: int = 1) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        started = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - started)
    return median(times), out


def mart_params() -> dict[str, dict]:
    """Each mart's parameters: the test suite's defaults, all-null for a mart they lack."""
    from marts_fixture import DEFAULT_PARAMS
    names = sorted(p.stem for p in (db.SQL_DIR / "marts").glob("*.sql"))
    return {n: DEFAULT_PARAMS.get(n, dict.fromkeys(db.sql_parameters(f"marts/{n}"))) for n in names}


def measure_marts(db_path: Path, runs: int, results, log) -> list[tuple[str, float]]:
    """Median time of each mart; returns (name, seconds) slowest first."""
    times = []
    with db.reader(db_path) as con:
        for name, params in mart_params().items():
            try:
                seconds, frame = _timed(lambda: db.query_df(con, f"marts/{name}", **params), runs)
            except Exception as exc:   # a mart mid-edit by someone else: report, go on
                results.add("3 marts", name, None, f"failed: {type(exc).__name__}: {str(exc)[:120]}")
                continue
            times.append((name, seconds))
            results.add("3 marts", name, seconds, f"{len(frame):,} rows", target="≤ 0.3 s",
                        ok=seconds <= 0.3)
    _measure_page_window(db_path, runs, results)
    times.sort(key=lambda t: -t[1])
    log("  slowest marts: " + ", ".join(f"{n} {s:.2f} s" for n, s in times[:5]))
    return times


def page_window_params(con) -> dict[str, dict]:
    """The parameters the pages send by default: the last 90 days up to the newest created date
    (analytics.views.default_window), and for the spike drivers the last 7 days against the 28
    before. Only marts with a date window; the rest are as in `mart_params`."""
    import datetime as dt

    from analytics import views
    newest = db.query_df(con, "marts/data_freshness")["newest_created_date"].iloc[0]
    start, end = views.default_window(newest)
    window = dict(start_date=start, end_date=end)
    chosen = {}
    for name, params in mart_params().items():
        if name == "spike_drivers":
            chosen[name] = params | dict(start_date=end - dt.timedelta(days=6), end_date=end,
                                         baseline_start=end - dt.timedelta(days=34),
                                         baseline_end=end - dt.timedelta(days=7))
        elif {"start_date", "end_date"} <= params.keys():
            chosen[name] = params | window
    return chosen


def _measure_page_window(db_path: Path, runs: int, results) -> None:
    """Each windowed mart again, with the pages' default window (`page_window_params`)."""
    with db.reader(db_path) as con:
        for name, params in page_window_params(con).items():
            seconds, frame = _timed(lambda: db.query_df(con, f"marts/{name}", **params), runs)
            results.add("3b marts, page window", name, seconds,
                        f"{len(frame):,} rows; {params.get('start_date')} to {params.get('end_date')}",
                        target="≤ 0.3 s", ok=seconds <= 0.3)


def explain_slowest(db_path: Path, times, out_dir: Path, n_cases: int, top: int = 3) -> list[Path]:
    """EXPLAIN ANALYZE of the slowest marts, written beside the results."""
    written, params = [], mart_params()
    with db.reader(db_path) as con:
        for name, _ in times[:top]:
            plan = con.sql("explain analyze " + db.sql_text(f"marts/{name}"),
                           params=params[name] or None).fetchall()
            path = out_dir / f"explain_{name}_{n_cases}.txt"
            path.write_text("\n".join(str(row[-1]) for row in plan))
            written.append(path)
    return written


def measure_detection(db_path: Path, runs: int, results, log) -> None:
    from analytics.spikes import triage as spike_db
    from analytics.trends import detect as trends
    with db.reader(db_path) as con:
        seconds, (scored, events) = _timed(lambda: spike_db.detect(con, grain="day"), runs)
        results.add("4 detection", "spikes, all daily series (spike_db.detect)", seconds,
                    f"{len(scored):,} scored points, {len(events):,} events", target="≤ 5 s",
                    ok=seconds <= 5)
        as_of = trends.default_as_of(con)
        seconds, found = _timed(lambda: trends.detect_trends(trends.load_cases(con, as_of), as_of), runs)
        results.add("4 detection", f"trends as of {as_of} (load_cases + detect_trends)", seconds,
                    f"{len(found):,} trends", target="≤ 5 s", ok=seconds <= 5)
    log("  detection done")


def overview_pandas(parquet: Path) -> dict:
    """The Overview's numbers from the raw file: tiles for this and the previous 90 days, daily
    volume by market × category × source, open backlog per day (UTC days, not market-local)."""
    cases = pd.read_parquet(parquet, columns=[
        "created_at", "first_response_at", "resolved_at", "sla_due_at", "market", "abuse_category",
        "source", "is_appealed", "appeal_outcome", "is_sla_met"])
    day = cases["created_at"].dt.floor("D")
    end = day.max()
    out = {}
    for label, (lo, hi) in {"current": (end - pd.Timedelta(days=89), end),
                            "previous": (end - pd.Timedelta(days=179), end - pd.Timedelta(days=90))}.items():
        created = cases[(day >= lo) & (day <= hi)]
        closed_day = cases["resolved_at"].dt.floor("D")
        resolved = cases[(closed_day >= lo) & (closed_day <= hi)]
        met = resolved["is_sla_met"].fillna(resolved["resolved_at"] <= resolved["sla_due_at"])
        as_of = hi + pd.Timedelta(days=1)
        open_now = (cases["created_at"] < as_of) & ~(cases["resolved_at"] < as_of)
        out[label] = {
            "cases": len(created), "sla_attainment_pct": 100 * met.mean(),
            "first_response_median_s": (created["first_response_at"] - created["created_at"]).dt.total_seconds().median(),
            "resolution_median_s": (resolved["resolved_at"] - resolved["created_at"]).dt.total_seconds().median(),
            "appeal_rate_pct": 100 * resolved["is_appealed"].mean(),
            "overturn_rate_pct": 100 * (resolved["appeal_outcome"] == "overturned").mean(),
            "open_backlog": int(open_now.sum()),
            "open_breached": int((open_now & (cases["sla_due_at"] < as_of)).sum())}
    recent = day >= end - pd.Timedelta(days=89)
    out["daily"] = cases[recent].groupby([day[recent], "market", "abuse_category", "source"],
                                         observed=True).size()
    opens = day.value_counts().sort_index()
    closes = cases["resolved_at"].dt.floor("D").value_counts().sort_index()
    out["backlog"] = opens.sub(closes, fill_value=0).cumsum()
    return out


def overview_ours() -> dict:
    """The Overview's marts through the app's data seam, as the page calls them."""
    from analytics import views
    from ui import data
    from ui import filters as _filters
    data.clear()
    options = data.filter_options()
    start, end = views.default_window(options["last_date"])
    filters = _filters.Filters(start, end, (), (), (), options["first_date"], options["last_date"])
    fresh = data.freshness()
    previous_start, previous_end = views.previous_window(start, end)
    return {"current": data.mart("kpi_summary", **data.common(filters), as_of=data.as_of(fresh, end)),
            "previous": data.mart("kpi_summary", **data.common(filters, previous_start, previous_end),
                                    as_of=data.as_of(fresh, previous_end)),
            "daily": _daily_volume_as_the_page_reads_it(data, filters),
            "backlog": data.mart("backlog_daily", **data.common(filters))}


def _daily_volume_as_the_page_reads_it(data, filters):
    """The Overview's volume chart: days × one dimension (daily_volume_split) where the code has
    that mart, every cube cell (daily_volume) before it."""
    if (db.SQL_DIR / "marts" / "daily_volume_split.sql").exists():
        return data.mart("daily_volume_split", **data.common(filters), split="region")
    return data.mart("daily_volume", **data.common(filters))


def measure_overview_side_by_side(db_path: Path, parquet: Path, runs: int, results, log) -> None:
    import os
    os.environ["ESCALATION_RADAR_DB"] = str(db_path)
    from ui import data, filters  # noqa: F401  (imported before timing, as in the app)
    theirs, frames = _timed(lambda: overview_pandas(parquet), runs)
    ours, marts = _timed(overview_ours, runs)
    log(f"  overview: pandas {theirs:.2f} s (cases {frames['current']['cases']:,}), "
        f"ours {ours:.2f} s (cases {int(marts['current']['cases'].iloc[0]):,})")
    results.add("6 side by side", "Overview numbers, pandas read_parquet + groupby", theirs,
                f"current-period cases {frames['current']['cases']:,} (UTC days)")
    results.add("6 side by side", "Overview numbers, ours (marts via ui/data, cache cleared)",
                ours, f"current-period cases {int(marts['current']['cases'].iloc[0]):,} (market-local "
                f"days); ours {theirs / ours:.2f}× faster", target="≥ 10×", ok=theirs / ours >= 10)
