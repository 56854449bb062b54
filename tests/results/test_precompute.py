"""Detection results stored beside the database (analytics/results/cache.py, precompute.py):
computed once, read back by every other process, never served for another data version or code."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from analytics import db
from analytics.results import cache as results_cache
from analytics.results import precompute
from analytics.spikes import triage as spike_db


@pytest.fixture
def own_demo(demo_db, tmp_path):
    """A copy of the session's demo database that this test may write beside."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    return path


def test_the_precompute_job_stores_what_the_app_then_reads(own_demo):
    done = subprocess.run([sys.executable, "-m", "analytics", "precompute", "--db", str(own_demo)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert {line.split(":")[0] for line in done.stdout.splitlines()} == {
        "spikes", "spike_kpis", "trends", "vendors"}
    version = db.data_version(own_demo)

    def must_not_run():
        raise AssertionError("recomputed although the job stored the result")

    scored, events = results_cache.load_or_compute(version, "spikes", ("day",), must_not_run)
    with db.reader(own_demo) as con:
        fresh_scored, fresh_events = spike_db.detect(con, grain="day")
    pd.testing.assert_frame_equal(events, fresh_events)
    pd.testing.assert_frame_equal(scored, fresh_scored)


def test_a_new_data_version_or_new_code_is_computed_again(own_demo, monkeypatch):
    version = db.data_version(own_demo)
    calls = []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert results_cache.load_or_compute(version, "probe", (), compute) == 1
    assert results_cache.load_or_compute(version, "probe", (), compute) == 1   # stored
    with db.writer(own_demo, derived="keep"):
        pass                                             # any write replaces the file
    assert results_cache.load_or_compute(db.data_version(own_demo), "probe", (), compute) == 2
    monkeypatch.setattr(results_cache, "code_version", lambda: "another release")
    assert results_cache.load_or_compute(db.data_version(own_demo), "probe", (), compute) == 3


def test_a_cut_short_file_is_recomputed_not_an_error(own_demo):
    version = db.data_version(own_demo)
    path = results_cache.result_path(version, "probe", ())
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"\x80\x05cut")
    assert results_cache.load_or_compute(version, "probe", (), lambda: "fresh") == "fresh"
    assert results_cache.load_or_compute(version, "probe", (), lambda: "again") == "fresh"


def test_trends_of_the_job_match_a_direct_run(own_demo):
    from analytics.trends import detect as trends
    with db.reader(own_demo) as con:
        as_of = trends.default_as_of(con)
        direct = trends.detect_trends(trends.load_cases(con, as_of), as_of)
    stored = precompute.trends_ranked(db.data_version(own_demo), as_of)
    assert list(stored["label"]) == list(direct["label"])
    assert len(direct) > 0
