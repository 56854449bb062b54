"""Case search at scale: the time of 20 Kazakh, Russian and English searches (common words
included) through the Cases page's query (sql/search/cases.sql, analytics/text/search.py), warm,
and what building the search keys costs inside the ingest.

The cases are bench/scale_data.py's (the demo generator, scaled): templated summaries, so few
distinct texts. `--distinct` first makes every summary distinct (a case-specific word appended),
the worst case for the index (one text, one set of keys, per case). Each database is loaded once
by the real ingest (`ingest_file`) and kept in --work; the search-key step (search_index.refresh,
run by the ingest right after the fact tables) is timed on its own.

    python bench/search.py --cases 1m               # templated summaries
    python bench/search.py --cases 1m --distinct    # every summary distinct
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale_data import ScaleFiles, ensure_files, parse_size  # noqa: E402

from analytics import db  # noqa: E402
from analytics.text import search as text_search  # noqa: E402
from analytics.text import search_index  # noqa: E402

QUERIES = [  # kk, ru, en words of the scaled demo's summaries; careless spellings; common words
    "шағым", "шагым", "shagym", "тегін бонус", "пайдаланушы", "жарнама", "төлем",
    "оружие", "продает", "пользователь", "жалоба", "предоплату продавец", "реклама",
    "скриншоты", "oruzhie", "user", "seller", "bot accounts", "reports", "qazpay",
]
PAGE = dict(start_date=None, end_date=None, markets=None, categories=None, sources=None,
            vendors=None, limit=5000)   # the Cases page's limit, all dates: the widest search


def _distinct_copy(files: ScaleFiles, work: Path) -> Path:
    """The cases file with a case-specific word appended to every summary."""
    out = work / f"cases_distinct_{files.n_cases}.parquet"
    if not out.exists():
        import duckdb
        with duckdb.connect() as con:
            con.execute(f"copy (select * replace (summary || ' ref' || replace(case_id, '-', '') "
                        f"as summary) from read_parquet('{files.path('cases', 'parquet')}')) "
                        f"to '{out}' (format parquet, row_group_size 122880)")
    return out


def load(n_cases: int, work: Path, distinct: bool) -> tuple[Path, dict]:
    """The database for this size (ingested unless present) and the ingest's timings."""
    from analytics.ingest import ingest_file
    files = ScaleFiles(n_cases, work / "data")
    path = work / f"search_{n_cases}{'_distinct' if distinct else ''}.duckdb"
    if path.exists():
        return path, {}
    ensure_files(files)
    source = _distinct_copy(files, work) if distinct else files.path("cases", "parquet")
    timings, refresh = {}, search_index.refresh

    def timed_refresh(con):
        began, cpu = time.perf_counter(), time.process_time()
        texts = refresh(con)
        timings.update(index_s=time.perf_counter() - began, texts=texts,
                       index_cpu_s=time.process_time() - cpu)
        return texts

    search_index.refresh = timed_refresh   # the ingest's own call, timed
    began = time.perf_counter()
    try:
        ingest_file(source, kind="cases", db_path=path)
    finally:
        search_index.refresh = refresh
    timings["ingest_s"] = time.perf_counter() - began
    return path, timings


def measure(path: Path, runs: int) -> list[tuple[str, float, int]]:
    """(query, median warm seconds, rows) per query; each query run once first to warm."""
    out = []
    with db.reader(path) as con:
        for text in QUERIES:
            params = PAGE | text_search.parse_query(text).parameters()
            db.query_df(con, "search/cases", **params)
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                rows = db.query_df(con, "search/cases", **params)
                times.append(time.perf_counter() - began)
            out.append((text, statistics.median(times), len(rows)))
    return out


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="1m", help="case count: 1m, 10m")
    parser.add_argument("--distinct", action="store_true", help="every summary distinct")
    parser.add_argument("--runs", type=int, default=3, help="warm runs per query (median)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/scale"))
    args = parser.parse_args(argv)
    path, timings = load(parse_size(args.cases), args.work, args.distinct)
    with db.reader(path) as con:
        cases, texts, keys = con.execute(
            "select (select count(*) from case_search), (select count(distinct text_hash) "
            "from search_terms), (select count(*) from search_terms)").fetchall()[0]
    print(f"{path.name}: {cases:,} cases, {texts:,} distinct texts, {keys:,} keys")
    if timings:
        print(f"ingest {timings['ingest_s']:.1f} s, of which search keys "
              f"{timings['index_s']:.1f} s wall, {timings['index_cpu_s']:.1f} s CPU "
              f"({timings['texts']:,} texts)")
    results = measure(path, args.runs)
    for text, seconds, rows in results:
        print(f"  {seconds:7.3f} s  {rows:>5,} rows  {text}")
    seconds = [s for _, s, _ in results]
    print(f"p95 {p95(seconds):.3f} s, median {statistics.median(seconds):.3f} s, "
          f"max {max(seconds):.3f} s over {len(results)} queries (target p95 <= 1 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
