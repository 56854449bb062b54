"""The fact table and cubes an ingest maintains incrementally (analytics/ingest/aggregates.py)
equal a from-scratch build (sql/derived/), whatever sequence of ingests and updates came first:
a case reclassified, moved to another market or closed by a later export leaves its old cells."""
from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import db
from analytics.ingest import ingest_file
from aggregates_fixture import HEADER, always_incremental, rebuilt, snapshot, write_export  # noqa: F401


def case_row(case_id, version, *, market="KZ", category="scam", source="user_report",
             status="open", day=1, hour=9, language="ru", priority="P2"):
    created = f"2025-03-{day:02d} {hour:02d}:00:00"
    resolved = f"2025-03-{day:02d} {hour + 2:02d}:00:00" if status == "resolved" else ""
    return {"case_id": case_id, "created_at": created,
            "updated_at": f"2025-04-01 00:{version:02d}:00", "resolved_at": resolved,
            "status": status, "market": market, "abuse_category": category, "source": source,
            "language": language, "priority": priority}


def test_a_reclassified_case_leaves_its_old_cell(tmp_path, always_incremental):
    path = tmp_path / "a.duckdb"
    ingest_file(write_export(tmp_path, "1.csv", [case_row("c1", 1), case_row("c2", 1)]),
                db_path=path)
    ingest_file(write_export(tmp_path, "2.csv", [case_row("c1", 2, category="fraud",
                                                          status="resolved")]), db_path=path)
    with db.reader(path) as con:
        cells = con.execute("select activity, abuse_category, cases, resolved_cases "
                            "from cube_cases_daily order by all").fetchall()
    assert cells == [("created", "fraud", 1, 1), ("created", "scam", 1, 0),
                     ("resolved", "fraud", 1, 1)]
    incremental = snapshot(path)
    for name, frame in rebuilt(path).items():
        pd.testing.assert_frame_equal(incremental[name], frame, check_dtype=True)


version_of_case = st.fixed_dictionaries({
    "case_id": st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]),
    "market": st.sampled_from(["KZ", "RU", "GB", "XX", ""]),
    "category": st.sampled_from(["scam", "fraud", "hate", ""]),
    "source": st.sampled_from(["user_report", "regulator", "legal"]),
    "status": st.sampled_from(["open", "pending", "resolved", "closed"]),
    "day": st.integers(1, 4),
    "hour": st.sampled_from([0, 9, 21]),
    "language": st.sampled_from(["ru", "kk", "en"]),
    "priority": st.sampled_from(["P0", "P2", "P3"]),
})


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(exports=st.lists(st.lists(version_of_case, min_size=1, max_size=6), min_size=2, max_size=4),
       stale=st.lists(st.booleans(), min_size=4, max_size=4))
def test_incremental_aggregates_equal_a_rebuild(tmp_path_factory, always_incremental,
                                                exports, stale):
    folder = tmp_path_factory.mktemp("agg")
    path = folder / "p.duckdb"
    for number, rows in enumerate(exports, start=1):
        # a stale export (older updated_at) must change nothing; a newer one moves cells
        version = 1 if stale[number - 1] else number + 1
        export = [case_row(r["case_id"], version, **{k: v for k, v in r.items() if k != "case_id"})
                  for r in rows]
        ingest_file(write_export(folder, f"{number}.csv", export), db_path=path)
    incremental = snapshot(path)
    for name, frame in rebuilt(path).items():
        pd.testing.assert_frame_equal(incremental[name], frame, check_dtype=True, obj=name)
