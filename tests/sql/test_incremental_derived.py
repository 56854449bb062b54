"""An update export maintains every per-case derived table incrementally (analytics/ingest/
aggregates.py: the fact table, both cubes, the business clock per case, the case-mix SLA cells,
the case search, the review case mix and its cells), and each equals a from-scratch build (sql/derived/) afterwards: an update that
re-states old cases (closes them, gives them a vendor verdict, another category), moves a case to
another market and another day, and adds new cases."""
from __future__ import annotations

import pandas as pd
import pytest

from analytics import db
from analytics.ingest import ingest_file

TABLES = ("fact_case_activity", "cube_cases_daily", "cube_cases_hourly", "case_business_time",
          "case_mix_cells", "case_search", "review_case_mix")
HEADER = ["case_id", "created_at", "updated_at", "first_response_at", "resolved_at", "status",
          "market", "abuse_category", "source", "language", "priority", "vendor", "summary"]


def case(case_id, version, *, day=3, hour=9, market="KZ", category="scam", status="open",
         vendor="acme", priority="P2", hours_to_resolve=30, summary="лотерея выигрыш"):
    created = pd.Timestamp(f"2025-03-{day:02d} {hour:02d}:00")
    resolved = created + pd.Timedelta(hours=hours_to_resolve) if status == "resolved" else None
    return {"case_id": case_id, "created_at": created, "updated_at": f"2025-04-0{version} 00:00",
            "first_response_at": created + pd.Timedelta(hours=1), "resolved_at": resolved,
            "status": status, "market": market, "abuse_category": category,
            "source": "user_report", "language": "ru", "priority": priority, "vendor": vendor,
            "summary": summary}


def write(folder, name, rows):
    path = folder / name
    pd.DataFrame(rows, columns=HEADER).to_csv(path, index=False)
    return path


def reviews(folder, case_ids):
    """Two reviews of each case, one of them to a case not stored yet (n1 of the update)."""
    rows = [{"review_id": f"r{n}-{case_id}", "case_id": case_id, "vendor": "acme",
             "claimed_at": "2025-03-06 08:00", "decided_at": f"2025-03-06 {9 + n}:{n * 7:02d}",
             "decision": "remove"} for case_id in case_ids for n in (1, 2)]
    path = folder / "reviews.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def snapshot(path) -> dict[str, pd.DataFrame]:
    with db.reader(path) as con:
        frames = {name: con.execute(f"select * from {name}").df() for name in TABLES}
    return {name: frame.sort_values(list(frame.columns)).reset_index(drop=True)
            for name, frame in frames.items()}


@pytest.fixture
def rebuilt_names(monkeypatch):
    """The derived files db.build_derived ran (to tell the incremental path from a rebuild)."""
    names: list[str] = []
    build = db.build_derived

    def recording(con, only=None):
        names.extend(sorted(only) if only is not None else [p.stem for p in db.derived_files()])
        return build(con, only)

    monkeypatch.setattr(db, "build_derived", recording)
    return names


def test_an_update_export_maintains_the_derived_tables_as_a_rebuild_would(tmp_path,
                                                                            rebuilt_names):
    path = tmp_path / "live.duckdb"
    first = [case(f"c{i}", 1, day=1 + i % 5, hour=(7 * i) % 24,
                  market=("KZ", "RU", "GB", "US-NY", "XX")[i % 5],
                  category=("scam", "fraud", "hate")[i % 3],
                  status="resolved" if i % 2 else "open", vendor=None if i % 7 == 0 else "acme",
                  priority=("P1", "P2")[i % 2], hours_to_resolve=5 + 11 * i,
                  summary=f"text {i % 4} лотерея") for i in range(40)]
    ingest_file(write(tmp_path, "first.csv", first), db_path=path)
    # reviews of re-stated, moved and untouched cases, and of a case only the update brings
    ingest_file(reviews(tmp_path, ["c0", "c1", "c3", "c4", "c5", "c33", "n1"]), kind="reviews",
                db_path=path)
    update = [
        # re-stated old cases: closed (a new verdict in their cell), one to another category
        case("c0", 2, day=1, hour=0, market="KZ", category="scam", status="resolved",
             hours_to_resolve=400),
        case("c2", 2, day=3, hour=14, market="GB", category="fraud", status="resolved",
             hours_to_resolve=2, summary="a new text"),
        # a resolved case re-opened: its verdict leaves its cell
        case("c1", 2, day=2, hour=7, market="RU", category="fraud", status="open"),
        # moved to another market and another day (its old cells lose it); with c33 re-opened,
        # its old SLA cell (US-NY, scam, P2) is left without a verdict and must go
        case("c33", 2, day=4, hour=15, market="US-NY", category="scam", status="open"),
        case("c3", 2, day=5, hour=23, market="KZ", category="scam", status="resolved",
             priority="P1", hours_to_resolve=3),
        case("c4", 2, day=2, hour=4, market="RU", category="hate", status="resolved",
             vendor="other"),
        # new cases
        case("n1", 2, day=5, hour=10, market="KZ", status="resolved", hours_to_resolve=1),
        case("n2", 2, day=4, hour=3, market="UZ", category="spam", status="open", vendor=None,
             summary="совсем новый текст"),
    ]
    rebuilt_names.clear()
    report = ingest_file(write(tmp_path, "update.csv", update), db_path=path)
    assert (report.rows_inserted, report.rows_updated) == (2, 6)
    # the incremental path ran: no per-case table was rebuilt from scratch
    assert not {"20_case_business_time", "30_review_case_mix", "35_case_mix_cells",
                "40_fact_case_activity", "50_cube_cases_daily", "80_case_search"
                } & set(rebuilt_names), rebuilt_names
    incremental = snapshot(path)
    with db.reader(path) as con:
        moved = con.execute("select market, created_date from case_business_time "
                            "where case_id = 'c3'").fetchall()
        assert moved == [("KZ", pd.Timestamp("2025-03-06").date())]   # 23:00 UTC is the 6th in KZ
    with db.writer(path):   # derived="rebuild": every sql/derived/ file from scratch
        pass
    rebuilt = snapshot(path)
    for name in TABLES:
        assert len(incremental[name]) > 0, name
        pd.testing.assert_frame_equal(incremental[name], rebuilt[name], check_dtype=True, obj=name)


def test_a_large_update_rebuilds_instead(tmp_path, rebuilt_names):
    """Touching more than REBUILD_SHARE of the stored cases takes the from-scratch path."""
    path = tmp_path / "live.duckdb"
    ingest_file(write(tmp_path, "first.csv", [case("c1", 1), case("c2", 1)]), db_path=path)
    rebuilt_names.clear()
    ingest_file(write(tmp_path, "update.csv", [case("c1", 2, status="resolved"), case("n1", 2)]),
                db_path=path)
    assert {"20_case_business_time", "35_case_mix_cells", "80_case_search"} <= set(rebuilt_names)
