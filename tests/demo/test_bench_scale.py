"""bench/scale_data.py and bench/scale.py's table: the scaled demo files are what the benchmark
says they are (unique ids across chunks, reviews pointing at their cases, an update export that
re-states existing cases), they are cached, and the results table marks targets met or not."""
from __future__ import annotations

import sys

import duckdb
import pandas as pd
import pytest

from analytics import settings

sys.path.insert(0, str(settings.ROOT / "bench"))
import scale  # noqa: E402
import scale_data  # noqa: E402


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scale")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scale_data, "CHUNK_CASES", 1000)
        patch.setattr(scale_data, "UPDATE_ROWS", 400)
        made = scale_data.ScaleFiles(3000, folder)
        scale_data.ensure_files(made, log=lambda message: None)
    return made


def test_parse_size():
    assert [scale_data.parse_size(s) for s in ("1m", "10M", "500k", "2000")] == \
        [1_000_000, 10_000_000, 500_000, 2000]


def test_ids_unique_across_chunks_and_reviews_point_at_cases(files):
    cases = pd.read_parquet(files.path("cases", "parquet"))
    reviews = pd.read_parquet(files.path("reviews", "parquet"))
    assert cases["case_id"].is_unique and reviews["review_id"].is_unique
    assert set(cases["case_id"].str[:3]) == {"C00", "C01", "C02"}
    assert reviews["case_id"].isin(cases["case_id"]).all()
    assert len(reviews) == 3000 // 5
    assert len(cases) == files.rows("cases")


def test_csv_and_parquet_hold_the_same_rows(files):
    for table in scale_data.TABLES:
        csv_rows = duckdb.sql(f"select count(*) from read_csv('{files.path(table, 'csv')}')").fetchall()
        assert csv_rows[0][0] == files.rows(table) == len(pd.read_parquet(files.path(table, "parquet")))


def test_update_export_restates_existing_cases(files):
    cases = pd.read_parquet(files.path("cases", "parquet")).set_index("case_id")
    updates = pd.read_parquet(files.path("updates", "parquet")).set_index("case_id")
    before = cases.loc[updates.index]
    assert len(updates) == 400
    assert (updates["updated_at"] > before["updated_at"]).all()
    assert not updates["status"].isin(["open", "pending"]).any()
    reopened = before["status"].isin(["open", "pending"])
    assert (updates.loc[reopened, "resolved_at"] == updates.loc[reopened, "updated_at"]).all()
    moved = (updates["abuse_category"] != before["abuse_category"]).to_numpy()
    assert moved.sum() == 80 and moved[::5].all()


def test_files_are_cached(files):
    stamps = {p: p.stat().st_mtime_ns for p in files.folder.iterdir()}
    said = []
    scale_data.ensure_files(files, log=said.append)
    assert {p: p.stat().st_mtime_ns for p in files.folder.iterdir()} == stamps
    assert said and "present" in said[0]


def test_results_table_marks_targets():
    results = scale.Results()
    results.add("3 marts", "daily_volume", 0.12, "31 rows", target="≤ 0.3 s", ok=True)
    results.add("3 marts", "kpi_by_segment", 12.5, target="≤ 0.3 s", ok=False)
    results.add("3 marts", "broken", None, "failed: CatalogException")
    results.peak("ingest", 900.0)
    results.peak("ingest", 5000.0)
    lines = results.markdown("1,000 cases").splitlines()
    assert "| 3 marts | daily_volume | 0.120 | 31 rows | ≤ 0.3 s | yes |" in lines
    assert "| 3 marts | kpi_by_segment | 12.5 |  | ≤ 0.3 s | **no** |" in lines
    assert "| 3 marts | broken | — | failed: CatalogException |  |  |" in lines
    assert lines[-1] == "| 5 memory | peak RSS, ingest | — | 5,000 MB | ≤ 4 GB | **no** |"
