"""What a small update export costs in a big store (#20 point 3): a 10k-row case export into a
loaded database, end to end (python's ingest_file: lock, copy, load, derived tables, checkpoint,
swap), with the wall seconds of every SQL file and derived table it ran (bench/ingest_profile.py's
Stages), for two exports made from the store itself:

- recent: 9,000 stored cases created in the last 90 days re-stated (newer updated_at; open ones
  resolved, every 5th to another category, every 7th to another market, every 11th created a day
  earlier), and 1,000 new cases of the last day (a daily status export);
- spread: the same, with the re-stated cases drawn from the whole history.

    python bench/update_cost.py --cases /tmp/scale/data/cases_1000000.parquet \
        --reviews /tmp/scale/data/reviews_1000000.parquet --work /tmp/work/ingest/u1m

The store is built once into --work (cases, then reviews; or copied from --store) and brought up
to this code's schema (db.refresh_if_stale: a full derived rebuild when the SQL changed), neither
timed; each run ingests into a fresh copy of it (the copy is not timed; the writer's own copy is).
Copies are deleted as it goes; the store and the two exports stay for the next run (--clean
deletes them at the end).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyarrow as pa
import pyarrow.parquet as pq
from ingest_profile import Stages

from analytics import db
from analytics.ingest import ingest_file

SCENARIOS = ("recent", "spread")

# the re-stated rows: canonical columns, changed as a daily status export would change them
_RESTATED = """
with
bounds as (select max(created_at) as newest from main.cases),
picked as (
    select c.*, row_number() over (order by hash(c.case_id, $seed)) as n
    from main.cases as c, bounds
    where c.created_at >= bounds.newest - to_days($days)
    order by hash(c.case_id, $seed)
    limit $restated
),
markets as (
    select
        list(distinct market order by market) as all_markets,
        list(distinct abuse_category order by abuse_category) as all_categories
    from main.cases
)
select
    case_id,
    case when n % 11 = 0 then created_at - interval 1 day else created_at end as created_at,
    bounds.newest + interval 1 hour as updated_at,
    first_response_at,
    coalesce(resolved_at, greatest(bounds.newest, first_response_at, created_at)) as resolved_at,
    sla_due_at, first_response_due_at,
    'resolved' as status,
    case when n % 7 = 0 then all_markets[1 + (n // 7) % len(all_markets)] else market end as market,
    language,
    case when n % 5 = 0 then all_categories[1 + (n // 5) % len(all_categories)]
         else abuse_category end as abuse_category,
    source, priority, queue, vendor, coalesce(outcome, 'actioned') as outcome, is_appealed,
    appeal_outcome, summary, surface, reopen_count, is_sla_met
from picked, bounds, markets
"""

# the new rows: copies of recent cases under new ids, created in the last day
_NEW = """
with
bounds as (select max(created_at) as newest from main.cases),
picked as (
    select c.*, row_number() over (order by hash(c.case_id, $seed, 'new')) as n
    from main.cases as c, bounds
    where c.created_at >= bounds.newest - interval 90 day
    order by hash(c.case_id, $seed, 'new')
    limit $new
)
select
    'UPD-' || $seed || '-' || n as case_id,
    bounds.newest - (n % 1440) * interval 1 minute as created_at,
    bounds.newest + interval 1 hour as updated_at,
    null::timestamp as first_response_at, null::timestamp as resolved_at,
    null::timestamp as sla_due_at, null::timestamp as first_response_due_at,
    'open' as status, market, language, abuse_category, source, priority, queue, vendor,
    null::varchar as outcome, false as is_appealed, null::varchar as appeal_outcome, summary,
    surface, 0 as reopen_count, null::boolean as is_sla_met
from picked, bounds
"""


def log(message: str) -> None:
    print(message, flush=True)


def load_average() -> str:
    return " ".join(open("/proc/loadavg").read().split()[:3])


def build_store(args, store: Path) -> None:
    if store.exists():
        return
    if args.store:
        log(f"copying {args.store} -> {store}")
        shutil.copyfile(args.store, store)
        return
    for path, kind in ((args.cases, "cases"), (args.reviews, "reviews")):
        if path is None:
            continue
        started = time.perf_counter()
        report = ingest_file(path, kind=kind, db_path=store)
        log(f"built: {path.name} {report.counts()} in {time.perf_counter() - started:.1f} s "
            f"(load {load_average()})")


def make_export(store: Path, scenario: str, rows: int, path: Path) -> None:
    if path.exists():
        return
    new = rows // 10
    days = 90 if scenario == "recent" else 100_000
    with db.reader(store) as con:
        restated = con.sql(_RESTATED, params={"seed": 7, "days": days, "restated": rows - new})
        added = con.sql(_NEW, params={"seed": 7, "new": new})
        table = pa.concat_tables([restated.to_arrow_table(),
                                  added.to_arrow_table().cast(restated.to_arrow_table().schema)])
    pq.write_table(table, path)
    log(f"export {path.name}: {rows:,} rows ({rows - new:,} re-stated, {new:,} new)")


def run(store: Path, export: Path, work: Path, top: int) -> float:
    """One timed ingest of `export` into a copy of `store`; prints its stages, returns seconds."""
    target = work / "run.duckdb"
    shutil.copyfile(store, target)
    stages = Stages()
    originals = db.run_sql, db.build_derived, db.shutil.copyfile

    def copy(src, dst, *args, **kwargs):   # the writer's copy of the live file, a stage of its own
        if ".writing-" in str(dst):
            return stages.timed("writer: copy the live file", originals[2], src, dst, *args, **kwargs)
        return originals[2](src, dst, *args, **kwargs)

    stages.install()
    db.shutil.copyfile = copy
    load = load_average()
    started = time.perf_counter()
    try:
        report = ingest_file(export, kind="cases", db_path=target)
    finally:
        seconds = time.perf_counter() - started
        db.run_sql, db.build_derived, db.shutil.copyfile = originals
        for leftover in work.glob("run.duckdb*"):
            leftover.unlink()
    log(f"{export.name}: {seconds:.2f} s end to end, {report.counts()}, "
        f"store {store.stat().st_size / 1e9:.2f} GB, load {load} -> {load_average()}")
    for key, wall in sorted(stages.wall.items(), key=lambda kv: -kv[1])[:top]:
        log(f"    {wall:7.2f} s  {key}")
    log(f"    {seconds - sum(stages.wall.values()):7.2f} s  other (Python, checkpoint, fsync, rename)")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, help="case export the store is built from")
    parser.add_argument("--reviews", type=Path, help="review export loaded after the cases")
    parser.add_argument("--store", type=Path, help="copy this store instead of building one")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--top", type=int, default=12, help="stages listed per run")
    parser.add_argument("--clean", action="store_true", help="delete the store and exports at the end")
    args = parser.parse_args(argv)
    if not (args.cases or args.store):
        parser.error("give --cases (and --reviews) or --store")
    args.work.mkdir(parents=True, exist_ok=True)
    store = args.work / "store.duckdb"
    build_store(args, store)
    started = time.perf_counter()
    if db.refresh_if_stale(store):
        log(f"store brought up to this code's schema in {time.perf_counter() - started:.1f} s")
    log(f"load before the runs: {load_average()}")
    for scenario in args.scenarios.split(","):
        export = args.work / f"{scenario}_{args.rows}.parquet"
        make_export(store, scenario, args.rows, export)
        times = [run(store, export, args.work, args.top) for _ in range(args.runs)]
        log(f"{scenario}: median {sorted(times)[len(times) // 2]:.2f} s of {len(times)} run(s)")
    if args.clean:
        for path in args.work.glob("*"):
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
