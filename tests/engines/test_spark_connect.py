"""`python -m analytics build --engine spark --spark sc://...` against a real Spark Connect server
(issue 19 point 4): pyspark's own start-connect-server.sh, in the foreground on a free port of
127.0.0.1, local[2] behind it. The store it builds answers the KPI marts as the DuckDB build does,
and `lake import --spark sc://...` validates an org's table there as the DuckDB ingest does.
Slow tier (two JVMs).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from marts_fixture import DEFAULT_PARAMS, generated_log, load_log
from org_table import MAPPING, org_table

from analytics import db, settings
from analytics.engines import build, lake

pytestmark = pytest.mark.slow
START_S = 300   # a JVM on a loaded 2-core box


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def connect_url(tmp_path_factory):
    pyspark = pytest.importorskip("pyspark")
    pytest.importorskip("grpc")   # the Spark Connect client (pyspark[connect])
    home = Path(pyspark.__file__).parent
    port = _free_port()
    log = tmp_path_factory.mktemp("connect") / "server.log"
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_NO_DAEMONIZE="1",
               SPARK_LOG_DIR=str(log.parent), SPARK_PID_DIR=str(log.parent))
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(home / "sbin" / "start-connect-server.sh"), "--master", "local[2]",
             "--conf", f"spark.connect.grpc.binding.port={port}",
             "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
             "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.ui.enabled=false",
             "--driver-memory", "1g"],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            assert server.poll() is None, log.read_text()[-3000:]
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(1)
        else:
            pytest.fail(f"Spark Connect did not listen within {START_S} s: {log.read_text()[-2000:]}")
        yield f"sc://127.0.0.1:{port}"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def rows(frame) -> list[dict]:
    floats = frame.select_dtypes("float").columns
    frame = frame.assign(**{c: frame[c].round(6) for c in floats})
    return frame.sort_values(list(frame.columns)[:3]).astype(str).to_dict("records")


def test_the_build_through_spark_connect_gives_the_kpis_of_the_duckdb_build(tmp_path, connect_url):
    ingested = tmp_path / "ingested.duckdb"
    load_log(ingested, *generated_log(np.random.default_rng(4), n_cases=300, n_reviews=200))
    lake.export(ingested, tmp_path / "lake")
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "build", "--engine", "spark", "--spark", connect_url,
         "--lake", str(tmp_path / "lake"), "--db", str(tmp_path / "connect.duckdb")],
        cwd=settings.ROOT, capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "aggregate rows into the store" in result.stdout
    build.build("duckdb", tmp_path / "lake", tmp_path / "duckdb.duckdb")
    for name in ("kpi_summary", "kpi_by_segment", "daily_volume", "spike_counts_hourly"):
        with db.reader(tmp_path / "connect.duckdb") as a, db.reader(tmp_path / "duckdb.duckdb") as b:
            left = db.query_df(a, f"marts/{name}", **DEFAULT_PARAMS[name])
            right = db.query_df(b, f"marts/{name}", **DEFAULT_PARAMS[name])
        assert len(left) == len(right) > 0, name
        assert rows(left) == rows(right), name


def test_the_lake_import_through_spark_connect_quarantines_what_the_ingest_rejects(tmp_path, connect_url):
    from analytics.ingest.pipeline import ingest_file

    source, mapping = tmp_path / "org.parquet", tmp_path / "org.toml"
    pq.write_table(org_table(), source, row_group_size=16)
    mapping.write_text(MAPPING, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "analytics", "lake", "import", "--spark", connect_url, "--source",
         str(source), "--mapping", str(mapping), "--lake", str(tmp_path / "lake"),
         "--db", str(tmp_path / "connect.duckdb")],
        cwd=settings.ROOT, capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "52 rows read = 40 kept + 2 superseded + 10 quarantined" in result.stdout
    ingest_file(source, mapping=mapping, db_path=tmp_path / "ingested.duckdb")
    query = "select row_number, column_name, value, reason from rejected_rows order by all"
    with db.reader(tmp_path / "connect.duckdb") as a, db.reader(tmp_path / "ingested.duckdb") as b:
        assert a.execute(query).fetchall() == b.execute(query).fetchall()
        assert a.execute("select count(*) from cases").fetchall() == [(40,)]
